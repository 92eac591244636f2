import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_CATEGORIES, SEVERITIES } from '../../../config/schema/common.ts';
import { DEPOSIT_ACTIONS, GRADES, SATISFACTION_RATINGS } from '../../../config/schema/scoring.ts';
import { ACCOUNT_ROLES } from '../../../services/accounts/principal.ts';
import { ScorecardSummary } from '../../../services/api/scoring-schemas.ts';
import { MODEL_TYPES } from '../../../services/energy/baseline/model.ts';
import { INCIDENT_STATES } from '../../../services/incidents/types.ts';
import { SCORING_ERROR_CODES } from '../../../services/scoring/domain/errors.ts';
import { ANNUAL_LEVELS } from '../../../services/scoring/domain/evaluation-schemas.ts';
import { SCORE_ITEMS } from '../../../services/scoring/domain/items.ts';
import { SCORING_LABELS } from '../../../services/scoring/domain/labels.ts';
import {
  BONUS_KINDS,
  COMPLAINT_CHANNELS,
  COMPLAINT_RESULTS,
  FINDING_LEVELS,
  INSPECTION_KINDS,
  RECTIFICATION_OUTCOMES,
} from '../../../services/scoring/domain/records.ts';
import {
  APPEAL_STATES,
  Consequence,
  EvidenceRef,
  ScoreLine,
} from '../../../services/scoring/domain/scorecard.ts';
import {
  ACTION_RULES,
  SLA_TARGETS,
  WORK_ORDER_ERROR_CODES,
  WORK_ORDER_STATES,
} from '../../../services/workorders/domain/index.ts';
import { BOARDS, TONE } from '../status.ts';
import { CATALOGS, en, LOCALES, zhCN } from './catalog.ts';

/** The scorecard's codes the scoring pages name, read from the scoring domain's own schemas. */
const LINE_STATUSES = ScoreLine.properties.status.enum;
const EVIDENCE_TYPES = EvidenceRef.anyOf.map((variant) => variant.properties.type.const);
const REVISION_REASONS = ScorecardSummary.properties.reason.enum;
const CONSEQUENCE_KINDS = Consequence.anyOf.map((variant) => variant.properties.kind.const);
const SCORING_CODES: Readonly<Record<string, readonly string[]>> = {
  item: SCORE_ITEMS,
  grade: GRADES,
  appeal: APPEAL_STATES,
  lineStatus: LINE_STATUSES,
  evidence: EVIDENCE_TYPES,
  revision: REVISION_REASONS,
  inspectionKind: INSPECTION_KINDS,
  findingLevel: FINDING_LEVELS,
  complaintChannel: COMPLAINT_CHANNELS,
  complaintResult: COMPLAINT_RESULTS,
  rectificationOutcome: RECTIFICATION_OUTCOMES,
  bonusKind: BONUS_KINDS,
  level: ANNUAL_LEVELS,
  rating: SATISFACTION_RATINGS,
};

const placeholders = (text: string): string[] =>
  [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the i18n catalogue', () => {
  it('has every zh-CN key in English too, with the same placeholders, and no empty message', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(CATALOGS[locale])) {
        expect(text.trim(), `${locale} ${key}`).not.toBe('');
        expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(zhCN[key as keyof typeof zhCN]));
      }
    }
  });

  it('has a message for every literal key the dashboards use', () => {
    const used = new Set<string>();
    for (const file of sources(srcDir)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([^']+)'/g)) used.add(match[1] ?? '');
      for (const match of text.matchAll(/\b(?:key|label): '((?:range|nav)\.[^']+)'/g))
        used.add(match[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((key) => !(key in zhCN))).toEqual([]);
  });

  it('names every state, category, severity, role, action, SLA target, status and board the platform can send', () => {
    const expected = [
      ...WORK_ORDER_STATES.map((state) => `order.state.${state}`),
      ...Object.keys(ACTION_RULES).map((action) => `order.action.${action}`),
      ...SLA_TARGETS.map((target) => `order.sla.target.${target}`),
      ...['running', 'paused', 'met', 'breached', 'withdrawn'].map((state) => `order.sla.state.${state}`),
      ...SERVICE_CATEGORIES.map((category) => `category.${category}`),
      ...SEVERITIES.map((severity) => `severity.${severity}`),
      ...INCIDENT_STATES.map((state) => `incident.${state}`),
      ...ACCOUNT_ROLES.map((role) => `role.${role}`),
      ...Object.keys(TONE).map((status) => `status.${status}`),
      ...BOARDS.map((board) => `board.${board}`),
      ...WORK_ORDER_ERROR_CODES.map((code) => `error.${code}`),
      ...MODEL_TYPES.map((type) => `energy.modelType.${type}`),
      ...Object.entries(SCORING_CODES).flatMap(([group, codes]) =>
        codes.map((code) => `scores.${group}.${code}`),
      ),
      ...SCORING_ERROR_CODES.map((code) => `error.${code}`),
    ];
    expect(expected.filter((key) => !(key in zhCN))).toEqual([]);
  });

  it("names a scorecard's items, grades, appeal and line states, evidence and revisions as its PDF does", () => {
    // The page and the 月度考核评分表 a vendor is handed must not disagree on what a line is.
    const pairs: [string, string][] = [
      ...SCORE_ITEMS.map((item): [string, string] => [`scores.item.${item}`, `scoring.item.${item}`]),
      ...GRADES.map((grade): [string, string] => [`scores.grade.${grade}`, `scoring.grade.${grade}`]),
      ...APPEAL_STATES.map((state): [string, string] => [
        `scores.appeal.${state}`,
        `scoring.appeal.${state}`,
      ]),
      ...LINE_STATUSES.map((status): [string, string] => [
        `scores.lineStatus.${status}`,
        `scoring.status.${status}`,
      ]),
      ...EVIDENCE_TYPES.map((type): [string, string] => [
        `scores.evidence.${type}`,
        `scoring.evidence.${type}`,
      ]),
      ...REVISION_REASONS.map((reason): [string, string] => [
        `scores.revision.${reason}`,
        `scoring.revision.${reason}`,
      ]),
      ...INSPECTION_KINDS.map((kind): [string, string] => [
        `scores.inspectionKind.${kind}`,
        `scoring.inspection.${kind}`,
      ]),
      ['scores.capped', 'scoring.status.capped'],
      // The annual evaluation's levels, the survey's ratings and the consequences, as the PDFs name them.
      ...ANNUAL_LEVELS.map((level): [string, string] => [`scores.level.${level}`, `scoring.level.${level}`]),
      ...SATISFACTION_RATINGS.map((rating): [string, string] => [
        `scores.rating.${rating}`,
        `scoring.rating.${rating}`,
      ]),
      ...DEPOSIT_ACTIONS.map((action): [string, string] => [
        `scores.consequence.deposit.${action}`,
        `scoring.consequence.deposit.${action}`,
      ]),
      ...CONSEQUENCE_KINDS.flatMap((kind): [string, string][] => [
        ...(kind === 'deposit'
          ? []
          : [[`scores.consequence.${kind}`, `scoring.consequence.${kind}`] as [string, string]]),
        [`scores.consequence.detail.${kind}`, `scoring.consequence.detail.${kind}`],
      ]),
    ];
    for (const locale of LOCALES)
      for (const [page, report] of pairs) {
        const label = SCORING_LABELS[report as keyof typeof SCORING_LABELS];
        expect(CATALOGS[locale][page as keyof typeof zhCN], `${locale} ${page}`).toBe(label[locale]);
      }
  });
});
