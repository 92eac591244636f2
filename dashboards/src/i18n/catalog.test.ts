import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_CATEGORIES, SEVERITIES } from '../../../config/schema/common.ts';
import { ACCOUNT_ROLES } from '../../../services/accounts/principal.ts';
import { MODEL_TYPES } from '../../../services/energy/baseline/model.ts';
import { INCIDENT_STATES } from '../../../services/incidents/types.ts';
import {
  ACTION_RULES,
  SLA_TARGETS,
  WORK_ORDER_ERROR_CODES,
  WORK_ORDER_STATES,
} from '../../../services/workorders/domain/index.ts';
import { BOARDS, TONE } from '../status.ts';
import { CATALOGS, en, LOCALES, zhCN } from './catalog.ts';

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
    ];
    expect(expected.filter((key) => !(key in zhCN))).toEqual([]);
  });
});
