import type { ReportDocument } from '../../reports/index.ts';
import type { ElectricitySubItem } from '../consumption/meter-tree.ts';
import { ENERGY_LABELS, type EnergyLabelKey, ITEM_LABELS, type Locale } from './labels.ts';
import type { MonthlyReport } from './monthly-report.ts';

const SUB_ITEMS: readonly ElectricitySubItem[] = ['01A00', '01B00', '01C00', '01D00'];

/**
 * The monthly energy report as a report document (services/reports renders it to PDF and CSV):
 * the consumption table with completeness, intensities and 同比; a chart of each building's
 * sub-items; each energy contract's savings and settlement. Labels come from this service's
 * catalogue in the reader's language; numbers stay numbers.
 */
export function monthlyReportDocument(
  report: MonthlyReport,
  options: {
    readonly locale?: Locale;
    readonly siteName: string;
    readonly buildingName: (code: string) => string;
    readonly generatedAt: Date;
  },
): ReportDocument {
  const locale = options.locale ?? 'zh-CN';
  const t = (key: EnergyLabelKey) => ENERGY_LABELS[key][locale];
  const building = (code: string) => (code === 'site' ? t('energy.site') : options.buildingName(code));
  const [year, month] = report.month.split('-');
  const buildings = [...new Set(report.consumption.map((row) => row.buildingCode))].filter(
    (code) => code !== 'site',
  );
  const subItemValue = (code: string, item: ElectricitySubItem): number | null =>
    report.consumption.find((row) => row.buildingCode === code && row.item === item)?.value ?? null;

  return {
    title: t('energy.report.monthly'),
    subtitle: options.siteName,
    period: locale === 'zh-CN' ? `${year}年${Number(month)}月` : report.month,
    generatedAt: options.generatedAt.toISOString(),
    locale,
    orientation: 'landscape',
    sections: [
      {
        heading: t('energy.report.sectionConsumption'),
        blocks: [
          {
            kind: 'chart',
            type: 'bar',
            title: t('energy.report.chart'),
            unit: 'kWh',
            categories: buildings.map(building),
            series: SUB_ITEMS.map((item) => ({
              name: ITEM_LABELS[item][locale],
              values: buildings.map((code) => subItemValue(code, item)),
            })),
          },
          {
            kind: 'table',
            id: 'consumption',
            columns: [
              { label: t('energy.column.building') },
              { label: t('energy.column.item') },
              { label: t('energy.column.unit') },
              {
                label: t('energy.column.value'),
                align: 'right',
                format: { style: 'decimal', fractionDigits: 1 },
              },
              { label: t('energy.column.status') },
              {
                label: t('energy.column.coverage'),
                align: 'right',
                format: { style: 'percent', fractionDigits: 1 },
              },
              {
                label: t('energy.column.perM2'),
                align: 'right',
                format: { style: 'decimal', fractionDigits: 3 },
              },
              {
                label: t('energy.column.perOccupant'),
                align: 'right',
                format: { style: 'decimal', fractionDigits: 2 },
              },
              {
                label: t('energy.column.lastYear'),
                align: 'right',
                format: { style: 'decimal', fractionDigits: 1 },
              },
              {
                label: t('energy.column.yoy'),
                align: 'right',
                format: { style: 'percent', fractionDigits: 1, signed: true },
              },
            ],
            rows: report.consumption.map((row) => [
              building(row.buildingCode),
              `${row.item} ${ITEM_LABELS[row.item][locale]}`,
              row.unit,
              row.value,
              t(`energy.status.${row.status}`),
              row.coverage,
              row.perM2,
              row.perOccupant,
              row.lastYear,
              row.changeFraction,
            ]),
          },
          { kind: 'notes', items: [t('energy.report.partialNote')] },
        ],
      },
      {
        heading: t('energy.report.sectionContracts'),
        blocks:
          report.contracts.length === 0
            ? [{ kind: 'notes', items: [t('energy.report.noContracts')] }]
            : [
                {
                  kind: 'table',
                  id: 'contracts',
                  columns: [
                    { label: t('energy.section.contract') },
                    { label: t('energy.report.figure') },
                    { label: t('energy.column.unit') },
                    {
                      label: t('energy.column.value'),
                      align: 'right',
                      format: { style: 'decimal', fractionDigits: 2 },
                    },
                  ],
                  rows: report.contracts.flatMap((contract): (string | number | null)[][] => {
                    const name = `${contract.contractId} (${contract.fromDate}…${contract.toDate})`;
                    const f = contract.figures;
                    if (!f) {
                      const why = contract.reason ? `: ${contract.reason}` : '';
                      return [[name, `${t('energy.contract.noBaseline')}${why}`, '', null]];
                    }
                    return (
                      [
                        ['energy.contract.baseline', 'kWh', f.adjustedBaselineKwh],
                        ['energy.contract.actual', 'kWh', f.actualKwh],
                        ['energy.contract.avoided', 'kWh', f.avoidedKwh],
                        ['energy.contract.savingsFraction', '%', f.savingsFraction * 100],
                        ['energy.contract.uncertainty', '%', f.uncertaintyFraction * 100],
                        ['energy.contract.target', 'kWh', f.targetKwh],
                        ['energy.contract.savedCny', 'CNY', f.savedCny],
                        ['energy.contract.shortfallCny', 'CNY', f.shortfallPenaltyCny],
                        ['energy.contract.vendorShareCny', 'CNY', f.vendorShareCny],
                      ] as const
                    ).map(([key, unit, value]) => [name, t(key), unit, value]);
                  }),
                },
              ],
      },
    ],
  };
}
