import type { RollupItem } from '../consumption/meter-tree.ts';

/**
 * The i18n catalogue of energy reports, zh-CN (the default) and en. Sub-item names follow the
 * public-building energy monitoring guideline (分项计量).
 */
export interface Label {
  readonly 'zh-CN': string;
  readonly en: string;
}
export type Locale = keyof Label;

const label = (zh: string, en: string): Label => ({ 'zh-CN': zh, en });

export const ITEM_LABELS: Record<RollupItem, Label> = {
  '01000': label('总用电', 'Electricity total'),
  '01A00': label('照明插座用电', 'Lighting and sockets'),
  '01B00': label('空调用电', 'HVAC'),
  '01C00': label('动力用电', 'Power'),
  '01D00': label('特殊用电', 'Special'),
  unmetered: label('未分项用电', 'Not sub-metered'),
  '02000': label('用水', 'Water'),
};

export const ENERGY_LABELS = {
  'energy.report.monthly': label('月度能耗报表', 'Monthly energy report'),
  'energy.column.section': label('类别', 'Section'),
  'energy.column.building': label('建筑', 'Building'),
  'energy.column.item': label('分项', 'Item'),
  'energy.column.unit': label('单位', 'Unit'),
  'energy.column.value': label('本月', 'This month'),
  'energy.column.status': label('数据完整性', 'Data'),
  'energy.column.coverage': label('覆盖率', 'Coverage'),
  'energy.column.perM2': label('单位面积', 'Per m²'),
  'energy.column.perOccupant': label('人均', 'Per occupant'),
  'energy.column.lastYear': label('去年同期', 'Same month last year'),
  'energy.column.yoy': label('同比', 'Year on year'),
  'energy.section.consumption': label('能耗', 'Consumption'),
  'energy.section.contract': label('合同能源管理', 'Energy contract'),
  'energy.site': label('全部建筑', 'All buildings'),
  'energy.status.complete': label('完整', 'complete'),
  'energy.status.partial': label('不完整', 'partial'),
  'energy.status.missing': label('缺失', 'missing'),
  'energy.contract.baseline': label('调整后基线', 'Adjusted baseline'),
  'energy.contract.actual': label('实际用电', 'Actual'),
  'energy.contract.avoided': label('节能量', 'Avoided energy'),
  'energy.contract.savingsFraction': label('节能率', 'Savings'),
  'energy.contract.uncertainty': label('不确定度（90%置信）', 'Uncertainty (90 % confidence)'),
  'energy.contract.target': label('目标节能量', 'Target savings'),
  'energy.contract.savedCny': label('节约费用（元）', 'Value saved (CNY)'),
  'energy.contract.shortfallCny': label('未达标扣款（元）', 'Shortfall penalty (CNY)'),
  'energy.contract.vendorShareCny': label('服务商分享（元）', 'Vendor share (CNY)'),
  'energy.contract.noBaseline': label('基线数据不足', 'Baseline data insufficient'),
  'energy.report.sectionConsumption': label('一、分项能耗', '1. Consumption by sub-item'),
  'energy.report.sectionContracts': label('二、合同能源管理', '2. Energy performance contracts'),
  'energy.report.chart': label('各建筑本月分项用电', "This month's electricity by building and sub-item"),
  'energy.report.figure': label('指标', 'Figure'),
  'energy.report.noContracts': label(
    '本月无在执行的合同能源管理项目。',
    'No energy contract in force this month.',
  ),
  'energy.report.partialNote': label(
    '“不完整”表示该期间有数据缺口或表计更换，数值为已计量部分（下限）；“缺失”不计为零。',
    '“partial” means gaps or a meter change in the period: the value is what was measured (a lower bound); “missing” never counts as zero.',
  ),
} as const;
export type EnergyLabelKey = keyof typeof ENERGY_LABELS;
