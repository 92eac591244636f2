import type { Label } from '../../incidents/types.ts';

/** What a rule's title can mention; each is already in the label's language. */
export interface TitleFacts {
  readonly equipment: Label;
  readonly building: Label;
  readonly value?: number;
  readonly unit?: string;
}

const LOCALES = ['zh-CN', 'en'] as const;

/** A value as people read it: at most three decimals, no `-0`, no exponent noise. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Math.round(value * 1000) / 1000;
  return String(rounded === 0 ? 0 : rounded);
}

/**
 * Fills `{equipment}`, `{building}`, `{value}` and `{unit}` in both languages of a rule's title.
 * Pure. An unknown placeholder, or `{value}` without a value, is left as written.
 */
export function renderTitle(title: Label, facts: TitleFacts): Label {
  const render = (locale: (typeof LOCALES)[number]): string =>
    title[locale].replace(/\{(equipment|building|value|unit)\}/g, (whole, name: string) => {
      switch (name) {
        case 'equipment':
          return facts.equipment[locale];
        case 'building':
          return facts.building[locale];
        case 'value':
          return facts.value === undefined ? whole : formatValue(facts.value);
        case 'unit':
          return facts.unit ?? '';
        default:
          return whole;
      }
    });
  return { 'zh-CN': render('zh-CN'), en: render('en') };
}
