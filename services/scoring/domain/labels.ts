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

  // Reports (月考核评分表, 季度考核通报): headings, facts, columns and the texts of lines.
  'scoring.period.month': label('{year}年{month}月', '{key}'),
  'scoring.period.quarter': label('{year}年第{quarter}季度', '{year} Q{quarter}'),
  'scoring.period.monthShort': label('{month}月', '{key}'),
  'scoring.unit.points': label('分', 'points'),
  'scoring.report.contract': label('合同 {contractId}', 'contract {contractId}'),
  'scoring.report.section.result': label('一、考核结果', '1. Result'),
  'scoring.report.section.lines': label('二、扣分与加分明细', '2. Deductions and bonuses'),
  'scoring.report.section.items': label('三、分项汇总', '3. By item'),
  'scoring.report.section.consequences': label('四、考核结果运用及说明', '4. Consequences and notes'),
  'scoring.report.chart.year': label('{year}年各月得分', 'Month scores, {year}'),
  'scoring.report.chart.thisContract': label('本合同', 'This contract'),
  'scoring.report.noLines': label('本月无扣分、加分事项。', 'Nothing deducted or added this month.'),
  'scoring.report.note.formula': label(
    '得分 = 基础分 {base} − 扣分合计 + 加分合计（加分封顶 {bonusCap} 分），最低 {floor} 分；各项扣分不超过该项上限。',
    'Score = base {base} − deductions + bonuses (bonuses capped at {bonusCap}), never below {floor}; no item deducts beyond its cap.',
  ),
  'scoring.report.note.appeal': label(
    '对扣分有异议的，可在本表发布后 {days} 日内（{deadline} 前）通过平台提出申诉。',
    'A deduction may be appealed on the platform within {days} days of publication (until {deadline}).',
  ),
  'scoring.report.note.evidence': label(
    '每条扣分的依据（工单、告警、检查记录、投诉、整改通知）可在平台中按编号查看。',
    "Every deduction's evidence (work order, alarm, inspection, complaint, rectification notice) can be opened on the platform by its reference.",
  ),
  'scoring.report.note.revision': label(
    '本表为第 {revision} 版：{reason}。',
    'This is revision {revision}: {reason}.',
  ),
  'scoring.revision.close': label('月度关账发布', 'published at the month close'),
  'scoring.revision.appeal_decision': label('申诉处理后重新计算', 'recomputed after an appeal decision'),

  'scoring.fact.contract': label('合同编号', 'Contract'),
  'scoring.fact.scheme': label('考核标准', 'Standard'),
  'scoring.fact.base': label('基础分', 'Base'),
  'scoring.fact.deductions': label('扣分合计', 'Deductions'),
  'scoring.fact.bonuses': label('加分合计', 'Bonuses'),
  'scoring.fact.total': label('本月得分（百分制）', 'Score (out of 100)'),
  'scoring.fact.grade': label('考核等次', 'Grade'),
  'scoring.fact.published': label('发布时间', 'Published'),
  'scoring.fact.revision': label('版本', 'Revision'),
  'scoring.fact.appeals': label('申诉（处理中 / 维持 / 撤销）', 'Appeals (pending / upheld / overturned)'),
  'scoring.fact.contracts': label('参评合同', 'Contracts ranked'),
  'scoring.fact.average': label('平均分', 'Mean score'),
  'scoring.fact.praised': label('通报表扬', 'Praised'),
  'scoring.fact.criticised': label('通报批评', 'Criticised'),

  'scoring.column.no': label('序号', 'No.'),
  'scoring.column.time': label('时间', 'Time'),
  'scoring.column.detail': label('情况说明', 'Details'),
  'scoring.column.status': label('状态', 'Status'),
  'scoring.column.occurrences': label('次数', 'Count'),
  'scoring.column.cap': label('上限', 'Cap'),
  'scoring.column.contract': label('合同', 'Contract'),
  'scoring.column.vendor': label('服务单位', 'Vendor'),
  'scoring.column.lot': label('标段', 'Lot'),
  'scoring.column.monthScore': label('{month}月', '{key}'),
  'scoring.column.average': label('季度平均分', 'Quarter mean'),
  'scoring.column.deductions': label('扣分', 'Deducted'),
  'scoring.column.bonuses': label('加分', 'Added'),
  'scoring.column.highlights': label('主要扣分项', 'Main deductions'),
  'scoring.column.bulletin': label('通报', 'Bulletin'),
  'scoring.column.consequence': label('事项', 'Consequence'),
  'scoring.column.office': label('指标', 'Figure'),
  'scoring.column.value': label('数值', 'Value'),
  'scoring.total': label('合计', 'Total'),

  'scoring.status.counted': label('计入', 'Counted'),
  'scoring.status.capped': label('超出该项上限，按上限计', 'Cut by the cap'),
  'scoring.status.overturned': label('申诉成立，不计', 'Withdrawn on appeal'),

  'scoring.evidence.work_order': label('工单 {orderId} 第 {leg} 段', 'work order {orderId} leg {leg}'),
  'scoring.evidence.incident': label('告警 {incidentId}', 'alarm {incidentId}'),
  'scoring.evidence.equipment': label('设备 {equipmentId}', 'equipment {equipmentId}'),
  'scoring.evidence.inspection': label(
    '检查记录 {inspectionId} 第 {finding} 项',
    'inspection {inspectionId} finding {finding}',
  ),
  'scoring.evidence.complaint': label('投诉 {complaintId}', 'complaint {complaintId}'),
  'scoring.evidence.rectification_notice': label('整改通知 {noticeId}', 'rectification notice {noticeId}'),
  'scoring.evidence.commendation': label('表扬记录 {commendationId}', 'commendation {commendationId}'),
  'scoring.evidence.attachment': label('附件 {name}', 'attachment {name}'),

  'scoring.detail.minutesOver': label(
    '{severity}，超时 {minutes} 分钟',
    '{severity}, {minutes} minutes late',
  ),
  'scoring.detail.inspection': label('{kind}：{description}', '{kind}: {description}'),
  'scoring.detail.repeat': label('{severity}，重复报修', '{severity}, reported again'),
  'scoring.detail.openDays': label(
    '{severity}，月末已持续 {days} 天',
    '{severity}, open {days} days at month end',
  ),
  'scoring.detail.availability': label(
    '完好率 {availability}（目标 {target}），停机 {minutes} 分钟',
    'availability {availability} (target {target}), down {minutes} minutes',
  ),

  'scoring.bulletin.section.ranking': label('一、季度排名', '1. Ranking'),
  'scoring.bulletin.section.praise': label('二、通报表扬与批评', '2. Praise and criticism'),
  'scoring.bulletin.section.consequences': label('三、考核结果运用', '3. Consequences'),
  'scoring.bulletin.section.office': label(
    '四、监管方考评（双向考评）',
    "4. The office's own figures (two-way evaluation)",
  ),
  'scoring.bulletin.chart': label('各合同季度平均分', 'Quarter mean score by contract'),
  'scoring.bulletin.none': label('无', 'None'),
  'scoring.bulletin.praiseLine': label(
    '{vendor}（{lot}）：季度平均 {average} 分，{grade}。',
    '{vendor} ({lot}): mean {average}, {grade}.',
  ),
  'scoring.bulletin.noConsequences': label('本季度无考核结果运用事项。', 'No consequence this quarter.'),
  'scoring.office.inspectionsOf': label('监管检查：{kind}', 'Inspections: {kind}'),
  'scoring.office.verified': label('已验收工单', 'Orders verified'),
  'scoring.office.verificationMean': label('平均验收用时（小时）', 'Mean time to verify (hours)'),
  'scoring.office.verificationMax': label('最长验收用时（小时）', 'Longest time to verify (hours)'),
  'scoring.office.longestWaiting': label('最长待验收（小时）', 'Longest still waiting (hours)'),
  'scoring.office.complaintsReceived': label('受理投诉', 'Complaints received'),
  'scoring.office.meanDaysToConclude': label('投诉平均办结用时（天）', 'Mean days to conclude a complaint'),

  'scoring.consequence.detail.deposit': label(
    '{period}：{score} 分，金额 {amount} 元',
    '{period}: score {score}, amount CNY {amount}',
  ),
  'scoring.consequence.detail.satisfaction_reward': label(
    '{period}：满意率 {rate}，金额 {amount} 元',
    '{period}: satisfaction {rate}, amount CNY {amount}',
  ),
  'scoring.consequence.detail.incentive_list': label('{period}：{grade}', '{period}: {grade}'),
  'scoring.consequence.detail.risk_list': label('{period}：{reasons}', '{period}: {reasons}'),
  'scoring.consequence.detail.exit_warning': label(
    '整改通知 {notices} 连续整改不合格',
    'rectification notices {notices} failed in a row',
  ),
  'scoring.consequence.detail.termination_recommended': label(
    '满意率连续低于合同承诺：{periods}',
    'satisfaction below the commitment in a row: {periods}',
  ),
  'scoring.consequence.detail.re_tender': label(
    '连续服务于 {reachesOn} 满期（合同至 {termEnd}）',
    'continuous service reaches the limit on {reachesOn} (term ends {termEnd})',
  ),
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
