import { dayNumberOf, isoDateOf } from '../../calendar/iso-date.ts';
import type { IntervalStatus } from '../consumption/intervals.ts';
import type { RollupItem } from '../consumption/meter-tree.ts';
import { EnergyError } from '../errors.ts';
import type { EnergyService } from '../service.ts';
import { ENERGY_LABELS, type EnergyLabelKey, ITEM_LABELS, type Locale } from './labels.ts';

export interface ConsumptionRow {
  readonly buildingCode: string | 'site';
  readonly item: RollupItem;
  readonly unit: string;
  readonly value: number | null;
  readonly status: IntervalStatus;
  readonly coverage: number;
  readonly perM2: number | null;
  readonly perOccupant: number | null;
  readonly lastYear: number | null;
  /** Only between two complete months. */
  readonly changeFraction: number | null;
}

export interface ContractRow {
  readonly contractId: string;
  readonly fromDate: string;
  readonly toDate: string;
  /** Absent when the baseline is not sufficient (`reason` says why). */
  readonly figures?: {
    readonly adjustedBaselineKwh: number;
    readonly actualKwh: number;
    readonly avoidedKwh: number;
    readonly savingsFraction: number;
    readonly uncertaintyFraction: number;
    readonly targetKwh: number;
    readonly savedCny: number;
    readonly shortfallPenaltyCny: number;
    readonly vendorShareCny: number;
    readonly missingDays: number;
  };
  readonly reason?: string;
}

export interface MonthlyReport {
  readonly siteId: string;
  readonly month: string;
  readonly fromDate: string;
  readonly toDate: string;
  readonly consumption: readonly ConsumptionRow[];
  readonly contracts: readonly ContractRow[];
}

/**
 * The data of the monthly energy report of a site: every roll-up figure of the month with its
 * completeness, intensities and the same month a year earlier; and each energy contract in
 * force that month with its savings and settlement for the month's days within its term.
 */
export async function monthlyReport(
  service: EnergyService,
  siteId: string,
  month: string,
): Promise<MonthlyReport> {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new EnergyError('invalid_input', `not a month: ${month}`);
  const fromDate = `${month}-01`;
  const first = dayNumberOf(fromDate);
  const next = new Date(first * 86_400_000);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const toDate = isoDateOf(Math.round(next.getTime() / 86_400_000) - 1);

  const { current, changes } = await service.yearOnYear(siteId, fromDate, toDate);
  const consumption: ConsumptionRow[] = [];
  const cells = [
    ...current.buildings.flatMap((building) =>
      building.items.map((cell) => ({ buildingCode: building.buildingCode, cell })),
    ),
    ...current.items.map((cell) => ({ buildingCode: 'site' as const, cell })),
  ];
  for (const { buildingCode, cell } of cells) {
    const change = changes.find((c) => c.buildingCode === buildingCode && c.item === cell.item)?.change;
    consumption.push({
      buildingCode,
      item: cell.item,
      unit: cell.unit,
      value: cell.value,
      status: cell.status,
      coverage: cell.coverage,
      perM2: cell.intensity.perM2,
      perOccupant: cell.intensity.perOccupant,
      lastYear: change?.previous.value ?? null,
      changeFraction: change?.changeFraction ?? null,
    });
  }

  const contracts: ContractRow[] = [];
  for (const contract of service.contracts(siteId)) {
    const [from, to] = clipDates(contract.term, fromDate, toDate);
    if (from > to) continue;
    try {
      const result = await service.contractSavings(contract.id, { fromDate: from, toDate: to });
      const { savings, settlement } = result;
      contracts.push({
        contractId: contract.id,
        fromDate: from,
        toDate: to,
        figures: {
          adjustedBaselineKwh: savings.adjustedBaselineKwh,
          actualKwh: savings.actualKwh,
          avoidedKwh: savings.avoidedKwh,
          savingsFraction: savings.savingsFraction,
          uncertaintyFraction: savings.uncertainty.savingsFraction,
          targetKwh: settlement.target.kwh,
          savedCny: settlement.savedCny,
          shortfallPenaltyCny: settlement.shortfall.penaltyCny,
          vendorShareCny: settlement.sharedSavings.vendorCny,
          missingDays: savings.missingDates.length,
        },
      });
    } catch (error) {
      if (!(error instanceof EnergyError) || error.code !== 'baseline_insufficient') throw error;
      contracts.push({ contractId: contract.id, fromDate: from, toDate: to, reason: error.message });
    }
  }
  return { siteId, month, fromDate, toDate, consumption, contracts };
}

/** The dates of [fromDate, toDate] within a term (ISO dates order as text). */
function clipDates(
  term: { readonly start: string; readonly end: string },
  fromDate: string,
  toDate: string,
): [string, string] {
  return [[term.start, fromDate].sort()[1] as string, [term.end, toDate].sort()[0] as string];
}

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(Math.round(value * 1_000) / 1_000) : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The report as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese
 * labels right; CRLF line ends). Numbers are plain (kWh, m³, yuan, shares as fractions), so the
 * file can be recalculated.
 */
export function monthlyReportCsv(
  report: MonthlyReport,
  locale: Locale = 'zh-CN',
  buildingName?: (code: string) => string,
): string {
  const t = (key: EnergyLabelKey) => ENERGY_LABELS[key][locale];
  const rows: (string | number | null)[][] = [
    [t('energy.report.monthly'), report.siteId, report.fromDate, report.toDate],
    [
      t('energy.column.section'),
      t('energy.column.building'),
      t('energy.column.item'),
      t('energy.column.unit'),
      t('energy.column.value'),
      t('energy.column.status'),
      t('energy.column.coverage'),
      t('energy.column.perM2'),
      t('energy.column.perOccupant'),
      t('energy.column.lastYear'),
      t('energy.column.yoy'),
    ],
  ];
  for (const row of report.consumption) {
    rows.push([
      t('energy.section.consumption'),
      row.buildingCode === 'site' ? t('energy.site') : (buildingName?.(row.buildingCode) ?? row.buildingCode),
      `${row.item} ${ITEM_LABELS[row.item][locale]}`,
      row.unit,
      row.value,
      t(`energy.status.${row.status}`),
      row.coverage,
      row.perM2,
      row.perOccupant,
      row.lastYear,
      row.changeFraction,
    ]);
  }
  for (const contract of report.contracts) {
    // Same columns as above: section, the contract (and its days) where the building goes, the figure's name, unit, value.
    const head = [
      t('energy.section.contract'),
      `${contract.contractId} (${contract.fromDate}…${contract.toDate})`,
    ];
    if (!contract.figures) {
      rows.push([...head, t('energy.contract.noBaseline'), null, null, contract.reason ?? null]);
      continue;
    }
    const f = contract.figures;
    for (const [key, value, unit] of [
      ['energy.contract.baseline', f.adjustedBaselineKwh, 'kWh'],
      ['energy.contract.actual', f.actualKwh, 'kWh'],
      ['energy.contract.avoided', f.avoidedKwh, 'kWh'],
      ['energy.contract.savingsFraction', f.savingsFraction, ''],
      ['energy.contract.uncertainty', f.uncertaintyFraction, ''],
      ['energy.contract.target', f.targetKwh, 'kWh'],
      ['energy.contract.savedCny', f.savedCny, 'CNY'],
      ['energy.contract.shortfallCny', f.shortfallPenaltyCny, 'CNY'],
      ['energy.contract.vendorShareCny', f.vendorShareCny, 'CNY'],
    ] as const) {
      rows.push([...head, `${t(key)}`, unit, value]);
    }
  }
  return `\uFEFF${rows.map((row) => row.map(field).join(',')).join('\r\n')}\r\n`;
}
