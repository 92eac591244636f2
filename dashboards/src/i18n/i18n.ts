import { CATALOGS, LOCALES, type Locale, type MessageKey } from './catalog.ts';

/**
 * The current locale and the lookup functions. zh-CN unless the user chose English (kept in
 * localStorage) or the URL says `?lang=en`. Switching re-renders the app from the top (main.tsx).
 */
const STORAGE_KEY = 'steward.locale';

export type Localized = Readonly<Record<Locale, string>>;

function initialLocale(): Locale {
  const fromUrl = new URLSearchParams(globalThis.location?.search ?? '').get('lang');
  if (fromUrl && (LOCALES as string[]).includes(fromUrl)) return fromUrl as Locale;
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored && (LOCALES as string[]).includes(stored) ? (stored as Locale) : 'zh-CN';
}

let current: Locale = initialLocale();

export const locale = (): Locale => current;

export function setLocale(next: Locale): void {
  current = next;
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/** A message with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  const template: string = CATALOGS[current][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether the catalogue has a message for this key (API codes, states from the server). */
export function has(key: string): key is MessageKey {
  return key in CATALOGS['zh-CN'];
}

/** A message for a key built from server data, or `fallback` when the catalogue has none. */
export function tOr(
  key: string,
  fallback: string,
  params?: Readonly<Record<string, string | number>>,
): string {
  return has(key) ? t(key, params) : fallback;
}

/** The text of a bilingual label from the configuration. */
export function pick(text: Partial<Localized> | undefined, fallback = ''): string {
  return text?.[current] ?? text?.['zh-CN'] ?? fallback;
}

/** An API error code in the user's language. */
export function errorText(code: string): string {
  return tOr(`error.${code}`, t('error.unknown', { code }));
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString(current, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatTime(ms: number, withDate = false): string {
  return new Date(ms).toLocaleString(current, {
    hour12: false,
    ...(withDate ? { month: '2-digit', day: '2-digit' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** "1 h 05 min", "12 min 30 s": for SLA countdowns. */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}
