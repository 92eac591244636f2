/**
 * The i18n catalogue of evaluation: every `labelKey` a scorecard, bulletin or evaluation carries,
 * in zh-CN (the default) and en. Reports and pages render from here; `{name}` marks a value
 * taken from the line's `params`.
 */
export interface Label {
  readonly 'zh-CN': string;
  readonly en: string;
}

const label = (zh: string, en: string): Label => ({ 'zh-CN': zh, en });

export const SCORING_LABELS = {
  'scoring.report.monthlyScorecard': label('月度考核评分表', 'Monthly assessment scorecard'),
  'scoring.report.quarterlyBulletin': label('季度考核通报', 'Quarterly assessment bulletin'),
  'scoring.report.annualEvaluation': label('年度考评', 'Annual evaluation'),
  'scoring.column.item': label('考核项目', 'Item'),
  'scoring.column.points': label('分值', 'Points'),
  'scoring.column.applied': label('实扣/实加', 'Applied'),
  'scoring.column.evidence': label('依据', 'Evidence'),
  'scoring.column.total': label('得分', 'Score'),
  'scoring.column.grade': label('等次', 'Grade'),
  'scoring.column.rank': label('排名', 'Rank'),

  'scoring.item.slaAccept': label('接单超时', 'Accept deadline missed'),
  'scoring.item.slaArrive': label('到场超时', 'Arrival deadline missed'),
  'scoring.item.slaResolve': label('处理超时', 'Resolution deadline missed'),
  'scoring.item.repeatFailure': label('重复故障', 'Repeat failure'),
  'scoring.item.unresolvedAtPeriodEnd': label('月末未解决', 'Unresolved at month end'),
  'scoring.item.availability': label('设备完好率未达标', 'Equipment availability below target'),
  'scoring.item.inspectionGeneral': label('检查发现一般问题', 'General problem found by inspection'),
  'scoring.item.inspectionMajor': label('检查发现重大问题', 'Major problem found by inspection'),
  'scoring.item.verifiedComplaint': label('有效投诉', 'Verified complaint'),
  'scoring.item.rectificationFailed': label('整改不合格', 'Rectification failed'),
  'scoring.item.commendation': label('服务受表扬', 'Commendation'),
  'scoring.item.innovation': label('工作创新有成效', 'Effective innovation'),
  'scoring.item.promotedPractice': label('典型经验被推广', 'Practice promoted as a model'),

  'scoring.grade.excellent': label('优秀', 'Excellent'),
  'scoring.grade.good': label('良好', 'Good'),
  'scoring.grade.pass': label('合格', 'Pass'),
  'scoring.grade.fail': label('不合格', 'Fail'),

  'scoring.level.dailyPatrols': label('日常巡检', 'Daily patrols'),
  'scoring.level.monthlyAssessments': label('月度考核', 'Monthly assessments'),
  'scoring.level.leadershipReview': label('半年领导综合考核', 'Half-yearly leadership review'),
  'scoring.level.satisfaction': label('满意度测评', 'Satisfaction survey'),

  'scoring.inspection.daily_patrol': label('每日巡检', 'Daily patrol'),
  'scoring.inspection.weekly_joint': label('每周联检', 'Weekly joint check'),
  'scoring.inspection.monthly_assessment': label('月度考核检查', 'Monthly assessment'),
  'scoring.inspection.spot_check': label('抽检', 'Spot check'),

  'scoring.rating.excellent': label('优', 'Excellent'),
  'scoring.rating.good': label('较好', 'Good'),
  'scoring.rating.fair': label('一般', 'Fair'),
  'scoring.rating.poor': label('差', 'Poor'),

  'scoring.appeal.pending': label('申诉处理中', 'Appeal pending'),
  'scoring.appeal.upheld': label('申诉不成立，维持扣分', 'Appeal rejected, deduction upheld'),
  'scoring.appeal.overturned': label('申诉成立，撤销扣分', 'Appeal accepted, deduction withdrawn'),

  'scoring.consequence.deposit.reward': label('服务保证金奖励', 'Deposit reward'),
  'scoring.consequence.deposit.release': label('服务保证金全额保留', 'Deposit kept in full'),
  'scoring.consequence.deposit.deduct': label('扣除违约金', 'Deposit deduction (penalty)'),
  'scoring.consequence.satisfaction_reward': label('满意率奖励', 'Satisfaction reward'),
  'scoring.consequence.incentive_list': label('列入激励名单', 'Incentive list'),
  'scoring.consequence.risk_list': label('列入风险名单', 'Risk list'),
  'scoring.consequence.exit_warning': label('书面退出警告', 'Written exit warning'),
  'scoring.consequence.termination_recommended': label('建议解除合同', 'Termination recommended'),
  'scoring.consequence.re_tender': label('服务期满三年，重新招标', 'Three years of service: re-tender'),

  'scoring.bulletin.praised': label('通报表扬', 'Praised in the bulletin'),
  'scoring.bulletin.criticised': label('通报批评', 'Criticised in the bulletin'),

  'scoring.office.inspections': label('监管检查次数', 'Inspections run'),
  'scoring.office.verification': label('验收用时', 'Time to verify'),
  'scoring.office.waitingVerification': label('待验收工单', 'Orders waiting for verification'),
  'scoring.office.complaints': label('投诉办结', 'Complaints concluded'),

  'scoring.severity.critical': label('紧急', 'Critical'),
  'scoring.severity.major': label('重要', 'Major'),
  'scoring.severity.minor': label('一般', 'Minor'),
  'scoring.severity.warning': label('提示', 'Warning'),
} as const satisfies Record<string, Label>;

export type ScoringLabelKey = keyof typeof SCORING_LABELS;

export const isLabelKey = (key: string): key is ScoringLabelKey => Object.hasOwn(SCORING_LABELS, key);

/** The text of a key in a language, with `{name}` filled from params; the key itself if unknown. */
export function labelText(
  key: string,
  language: keyof Label = 'zh-CN',
  params: Readonly<Record<string, string | number | null>> = {},
): string {
  const entry = isLabelKey(key) ? SCORING_LABELS[key][language] : key;
  return entry.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined || value === null ? whole : String(value);
  });
}
