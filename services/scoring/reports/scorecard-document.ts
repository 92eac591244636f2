import type { Cell, ReportDocument, Section } from '../../reports/model/document.ts';
import type { MonthlyScorecard } from '../domain/scorecard.ts';
import {
  consequenceDetail,
  evidenceText,
  lineDetail,
  lineStatus,
  points,
  type ReportTexts,
  reportTexts,
} from './text.ts';

/** A closed month's scorecard with what the printed form shows around it. */
export interface ScorecardReport {
  readonly scorecard: MonthlyScorecard;
  /** The stored revision shown, and why it was made. */
  readonly revision: number;
  readonly reason: 'close' | 'appeal_decision';
  /** Revision 1's instant (the publication) and the end of the appeal window after it. */
  readonly publishedAtMs: number;
  readonly appealDeadlineMs: number;
  /** The contract's total of every month of the scorecard's year, January first (null: not closed). */
  readonly year: readonly { readonly month: string; readonly total: number | null }[];
}

export interface ScoringReportOptions {
  readonly locale: 'zh-CN' | 'en';
  /** The site's zone: instants are printed in it. */
  readonly timeZone: string;
  /** A vendor's name in the reader's language (the configuration's `vendors`). */
  readonly vendorName: (vendorId: string) => string;
  readonly generatedAt: Date;
}

const SIGNED = { style: 'decimal', fractionDigits: 2, signed: true } as const;
const DAY_MS = 86_400_000;

/**
 * 月度考核评分表: one contract's month as a report document (services/reports renders it to PDF
 * and CSV): the result with the year's month scores as a chart, every line with its details,
 * evidence references and status (capped, appealed, withdrawn), the items' totals, the deposit
 * consequence and exit warnings, and how the score is made and can be appealed. Every label
 * comes from the scoring catalogue; deductions are negative numbers, bonuses positive.
 */
export function scorecardDocument(report: ScorecardReport, options: ScoringReportOptions): ReportDocument {
  const t = reportTexts(options.locale, options.timeZone);
  const card = report.scorecard;
  const lot = card.contract.lot[options.locale];
  return {
    title: t.text('scoring.report.monthlyScorecard'),
    subtitle: [
      options.vendorName(card.contract.vendorId),
      lot,
      t.text('scoring.report.contract', { contractId: card.contract.id }),
    ].join(' · '),
    period: t.month(card.period.key),
    generatedAt: options.generatedAt.toISOString(),
    timeZone: options.timeZone,
    locale: options.locale,
    // A form people sign and file: portrait, its long texts wrapped rather than the page turned.
    orientation: 'portrait',
    sections: [
      resultSection(report, t),
      linesSection(card, t),
      itemsSection(card, t),
      consequencesSection(report, t),
    ],
  };
}

/** Deductions as negative numbers (never −0, which a spreadsheet would show as such). */
const signedOf = (line: { kind: 'deduction' | 'bonus' }, value: number): number =>
  line.kind === 'deduction' && value !== 0 ? -value : value;

function resultSection(report: ScorecardReport, t: ReportTexts): Section {
  const card = report.scorecard;
  const { pending, upheld, overturned } = card.appeals;
  const year = card.period.key.slice(0, 4);
  return {
    heading: t.text('scoring.report.section.result'),
    blocks: [
      {
        kind: 'facts',
        items: [
          { label: t.text('scoring.fact.total'), value: card.total.toFixed(2) },
          { label: t.text('scoring.fact.grade'), value: t.text(card.gradeLabelKey) },
          { label: t.text('scoring.fact.base'), value: points(card.basePoints) },
          { label: t.text('scoring.fact.deductions'), value: `−${card.deductions.toFixed(2)}` },
          { label: t.text('scoring.fact.bonuses'), value: `+${card.bonuses.toFixed(2)}` },
          { label: t.text('scoring.fact.scheme'), value: card.scheme.name[t.locale] },
          { label: t.text('scoring.fact.published'), value: t.time(report.publishedAtMs) },
          { label: t.text('scoring.fact.revision'), value: String(report.revision) },
          { label: t.text('scoring.fact.appeals'), value: `${pending} / ${upheld} / ${overturned}` },
        ],
      },
      {
        kind: 'chart',
        type: 'bar',
        title: t.text('scoring.report.chart.year', { year }),
        unit: t.text('scoring.unit.points'),
        categories: report.year.map((month) => t.monthShort(month.month)),
        series: [
          { name: t.text('scoring.report.chart.thisContract'), values: report.year.map((m) => m.total) },
        ],
        valueFormat: { style: 'decimal', fractionDigits: 1 },
      },
    ],
  };
}

function linesSection(card: MonthlyScorecard, t: ReportTexts): Section {
  const heading = t.text('scoring.report.section.lines');
  const rows: Cell[][] = card.lines.map((line, i) => [
    i + 1,
    t.time(line.occurredAtMs),
    t.text(line.labelKey),
    lineDetail(line, t),
    evidenceText(line.evidence, t),
    signedOf(line, line.points),
    signedOf(line, line.appliedPoints),
    lineStatus(line, t),
  ]);
  return {
    heading,
    blocks: [
      {
        kind: 'table',
        id: 'lines',
        columns: [
          { label: t.text('scoring.column.no'), format: { style: 'integer' }, align: 'center' },
          { label: t.text('scoring.column.time') },
          { label: t.text('scoring.column.item') },
          { label: t.text('scoring.column.detail') },
          { label: t.text('scoring.column.evidence') },
          { label: t.text('scoring.column.points'), format: SIGNED },
          { label: t.text('scoring.column.applied'), format: SIGNED },
          { label: t.text('scoring.column.status') },
        ],
        rows,
        summaryRows: [
          [
            null,
            null,
            t.text('scoring.total'),
            null,
            null,
            null,
            // What the lines moved the score by: bonuses less deductions, after caps and appeals.
            Math.round((card.bonuses - card.deductions) * 100) / 100,
            null,
          ],
        ],
      },
      // A month without lines keeps its (empty) table, so its CSV has the same columns as any other.
      ...(card.lines.length === 0
        ? [{ kind: 'notes' as const, items: [t.text('scoring.report.noLines')] }]
        : []),
    ],
  };
}

function itemsSection(card: MonthlyScorecard, t: ReportTexts): Section {
  const heading = t.text('scoring.report.section.items');
  return {
    heading,
    blocks: [
      {
        kind: 'table',
        id: 'items',
        columns: [
          { label: t.text('scoring.column.item') },
          { label: t.text('scoring.column.occurrences'), format: { style: 'integer' } },
          { label: t.text('scoring.column.points'), format: SIGNED },
          { label: t.text('scoring.column.cap'), format: { style: 'decimal', fractionDigits: 2 } },
          { label: t.text('scoring.column.applied'), format: SIGNED },
        ],
        rows: card.items.map((item) => [
          t.text(item.labelKey),
          item.occurrences,
          signedOf(item, item.points),
          item.cap,
          signedOf(item, item.appliedPoints),
        ]),
      },
    ],
  };
}

function consequencesSection(report: ScorecardReport, t: ReportTexts): Section {
  const card = report.scorecard;
  const days = Math.round((report.appealDeadlineMs - report.publishedAtMs) / DAY_MS);
  return {
    heading: t.text('scoring.report.section.consequences'),
    blocks: [
      {
        kind: 'table',
        id: 'consequences',
        columns: [
          { label: t.text('scoring.column.consequence') },
          { label: t.text('scoring.column.detail') },
        ],
        rows: card.consequences.map((consequence) => [
          t.text(consequence.labelKey),
          consequenceDetail(consequence, t),
        ]),
      },
      {
        kind: 'notes',
        items: [
          t.text('scoring.report.note.formula', {
            base: points(card.basePoints),
            bonusCap: points(card.bonusCap),
            floor: points(card.floorPoints),
          }),
          t.text('scoring.report.note.appeal', { days, deadline: t.time(report.appealDeadlineMs) }),
          t.text('scoring.report.note.evidence'),
          t.text('scoring.report.note.revision', {
            revision: report.revision,
            reason: t.text(`scoring.revision.${report.reason}`),
          }),
        ],
      },
    ],
  };
}
