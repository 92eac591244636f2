import type { Block, Cell, ReportDocument, Section } from '../../reports/model/document.ts';
import type { BulletinRow, OfficeFigures, QuarterlyBulletin } from '../domain/evaluation-schemas.ts';
import { monthsOf } from '../domain/periods.ts';
import { INSPECTION_KINDS } from '../domain/records.ts';
import type { ScoringReportOptions } from './scorecard-document.ts';
import { consequenceDetail, points, type ReportTexts, reportTexts } from './text.ts';

/**
 * 季度考核通报: the quarter's ranking of every contract as a report document, with a bar chart of
 * the means in rank order, the month scores and heaviest deduction items of each, who is praised
 * and who criticised, the consequences standing in the quarter, and the office's own figures
 * (双向考评). Labels come from the scoring catalogue.
 */
export function bulletinDocument(bulletin: QuarterlyBulletin, options: ScoringReportOptions): ReportDocument {
  const t = reportTexts(options.locale, options.timeZone);
  return {
    title: t.text('scoring.report.quarterlyBulletin'),
    period: t.quarter(bulletin.period.key),
    generatedAt: options.generatedAt.toISOString(),
    timeZone: options.timeZone,
    locale: options.locale,
    sections: [
      rankingSection(bulletin, t, options.vendorName),
      praiseSection(bulletin, t, options.vendorName),
      consequencesSection(bulletin, t, options.vendorName),
      officeSection(bulletin.office, t),
    ],
  };
}

type VendorName = ScoringReportOptions['vendorName'];

function rankingSection(bulletin: QuarterlyBulletin, t: ReportTexts, vendorName: VendorName): Section {
  const heading = t.text('scoring.bulletin.section.ranking');
  const { rows } = bulletin;
  const months = monthsOf(bulletin.period.key);
  const mean = rows.reduce((sum, row) => sum + row.average, 0) / Math.max(1, rows.length);
  // A quarter without a closed month still has its (empty) ranking table: the CSV keeps its shape.
  const overview: Block[] =
    rows.length === 0
      ? [{ kind: 'notes', items: [t.text('scoring.bulletin.none')] }]
      : [
          {
            kind: 'facts',
            items: [
              { label: t.text('scoring.fact.contracts'), value: String(rows.length) },
              { label: t.text('scoring.fact.average'), value: mean.toFixed(2) },
              {
                label: t.text('scoring.fact.praised'),
                value: String(rows.filter((row) => row.praised).length),
              },
              {
                label: t.text('scoring.fact.criticised'),
                value: String(rows.filter((row) => row.criticised).length),
              },
            ],
          },
          {
            kind: 'chart',
            type: 'bar',
            title: t.text('scoring.bulletin.chart'),
            unit: t.text('scoring.unit.points'),
            categories: rows.map((row) => `${row.rank}. ${row.contract.lot[t.locale]}`),
            series: [{ name: t.text('scoring.column.average'), values: rows.map((row) => row.average) }],
            valueFormat: { style: 'decimal', fractionDigits: 2 },
          },
        ];
  return {
    heading,
    blocks: [
      ...overview,
      {
        kind: 'table',
        id: 'ranking',
        columns: [
          { label: t.text('scoring.column.rank'), format: { style: 'integer' }, align: 'center' },
          { label: t.text('scoring.column.vendor') },
          { label: t.text('scoring.column.lot') },
          { label: t.text('scoring.column.contract') },
          ...months.map((key) => ({
            label: t.text('scoring.column.monthScore', { key, month: Number(key.slice(5, 7)) }),
            format: { style: 'decimal' as const, fractionDigits: 2 },
          })),
          { label: t.text('scoring.column.average'), format: { style: 'decimal', fractionDigits: 2 } },
          { label: t.text('scoring.column.grade') },
          { label: t.text('scoring.column.deductions'), format: { style: 'decimal', fractionDigits: 2 } },
          { label: t.text('scoring.column.bonuses'), format: { style: 'decimal', fractionDigits: 2 } },
          { label: t.text('scoring.column.highlights') },
          { label: t.text('scoring.column.bulletin') },
        ],
        rows: rows.map((row): Cell[] => [
          row.rank,
          vendorName(row.contract.vendorId),
          row.contract.lot[t.locale],
          row.contract.id,
          ...months.map((key) => row.months.find((month) => month.key === key)?.total ?? null),
          row.average,
          t.text(row.gradeLabelKey),
          row.deductions,
          row.bonuses,
          t.join(
            row.highlights.map(
              (highlight) => `${t.text(highlight.labelKey)} ${points(highlight.appliedPoints)}`,
            ),
          ),
          t.join([
            row.praised ? t.text('scoring.bulletin.praised') : '',
            row.criticised ? t.text('scoring.bulletin.criticised') : '',
          ]),
        ]),
      },
    ],
  };
}

function praiseSection(bulletin: QuarterlyBulletin, t: ReportTexts, vendorName: VendorName): Section {
  const line = (row: BulletinRow) =>
    t.text('scoring.bulletin.praiseLine', {
      vendor: vendorName(row.contract.vendorId),
      lot: row.contract.lot[t.locale],
      average: row.average.toFixed(2),
      grade: t.text(row.gradeLabelKey),
    });
  const list = (rows: readonly BulletinRow[]) =>
    rows.length === 0 ? [t.text('scoring.bulletin.none')] : rows.map(line);
  return {
    heading: t.text('scoring.bulletin.section.praise'),
    blocks: [
      {
        kind: 'notes',
        title: t.text('scoring.bulletin.praised'),
        items: list(bulletin.rows.filter((row) => row.praised)),
      },
      {
        kind: 'notes',
        title: t.text('scoring.bulletin.criticised'),
        items: list(bulletin.rows.filter((row) => row.criticised)),
      },
    ],
  };
}

function consequencesSection(bulletin: QuarterlyBulletin, t: ReportTexts, vendorName: VendorName): Section {
  const heading = t.text('scoring.bulletin.section.consequences');
  const rows = bulletin.rows.flatMap((row) =>
    row.consequences.map((consequence): Cell[] => [
      row.contract.id,
      vendorName(row.contract.vendorId),
      t.text(consequence.labelKey),
      consequenceDetail(consequence, t),
    ]),
  );
  if (rows.length === 0)
    return { heading, blocks: [{ kind: 'notes', items: [t.text('scoring.bulletin.noConsequences')] }] };
  return {
    heading,
    blocks: [
      {
        kind: 'table',
        id: 'consequences',
        columns: [
          { label: t.text('scoring.column.contract') },
          { label: t.text('scoring.column.vendor') },
          { label: t.text('scoring.column.consequence') },
          { label: t.text('scoring.column.detail') },
        ],
        rows,
      },
    ],
  };
}

/** Counts stay whole and hours or days keep two decimals: the column has no one number format. */
const round2 = (value: number | null): number | null =>
  value === null ? null : Math.round(value * 100) / 100;

function officeSection(office: OfficeFigures, t: ReportTexts): Section {
  const counts = office.inspections as Readonly<Record<string, number>>;
  const rows: Cell[][] = [
    ...INSPECTION_KINDS.map((kind): Cell[] => [
      t.text('scoring.office.inspectionsOf', { kind: t.text(`scoring.inspection.${kind}`) }),
      counts[kind] ?? 0,
    ]),
    [t.text('scoring.office.inspections'), office.inspections.total],
    [t.text('scoring.office.verified'), office.verification.checked],
    [t.text('scoring.office.verificationMean'), round2(office.verification.meanHours)],
    [t.text('scoring.office.verificationMax'), round2(office.verification.maxHours)],
    [t.text('scoring.office.waitingVerification'), office.verification.waitingAtEnd],
    [t.text('scoring.office.longestWaiting'), round2(office.verification.longestWaitingHours)],
    [t.text('scoring.office.complaintsReceived'), office.complaints.received],
    [t.text('scoring.office.complaints'), office.complaints.concluded],
    [t.text('scoring.office.meanDaysToConclude'), round2(office.complaints.meanDaysToConclude)],
  ];
  return {
    heading: t.text('scoring.bulletin.section.office'),
    blocks: [
      {
        kind: 'table',
        id: 'office',
        columns: [
          { label: t.text('scoring.column.office') },
          { label: t.text('scoring.column.value'), align: 'right' },
        ],
        rows,
      },
    ],
  };
}
