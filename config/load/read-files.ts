import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Static, TSchema } from 'typebox';
import { isMap, isSeq, parseDocument } from 'yaml';
import { ContractsFile } from '../schema/contracts.ts';
import { DeviceCredentialsFile } from '../schema/devices.ts';
import { EquipmentFile, PointTemplatesFile } from '../schema/equipment.ts';
import { OrganisationFile } from '../schema/organisation.ts';
import { RulesFile } from '../schema/rules.ts';
import { ScoringFile } from '../schema/scoring.ts';
import { VendorsFile } from '../schema/vendors.ts';
import { type ConfigIssue, displayPath } from './issues.ts';
import { validateDocument } from './validate-document.ts';

/** The fixed files of a configuration folder and the schema each must satisfy. */
export const CONFIG_FILES = {
  organisation: { name: 'organisation.yaml', schema: OrganisationFile },
  templates: { name: 'point-templates.yaml', schema: PointTemplatesFile },
  vendors: { name: 'vendors.yaml', schema: VendorsFile },
  contracts: { name: 'contracts.yaml', schema: ContractsFile },
  rules: { name: 'rules.yaml', schema: RulesFile },
  scoring: { name: 'scoring.yaml', schema: ScoringFile },
  devices: { name: 'device-credentials.yaml', schema: DeviceCredentialsFile, optional: true },
} as const;

/** Equipment is split per building into `equipment/*.yaml`. */
export const EQUIPMENT_FOLDER = 'equipment';

type FixedKey = keyof typeof CONFIG_FILES;

export interface Parsed<T> {
  /** Path as shown in error messages. */
  readonly file: string;
  readonly data: T;
}

/** Every file that parsed and passed its schema; files that did not are absent and have issues. */
export type ParsedConfig = {
  readonly [K in FixedKey]?: Parsed<Static<(typeof CONFIG_FILES)[K]['schema']>>;
} & {
  readonly equipment: readonly Parsed<EquipmentFile>[];
  /** Hash over every file's parsed content in a stable order. */
  readonly revision: string;
};

export function readConfigFolder(dir: string, issues: ConfigIssue[]): ParsedConfig {
  const shownDir = displayPath(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    issues.push({ file: shownDir, path: '(folder)', message: 'configuration folder does not exist' });
    return { equipment: [], revision: '' };
  }
  const hash = createHash('sha256');
  const result: Record<string, unknown> = {};
  const known = new Set<string>([...Object.values(CONFIG_FILES).map((f) => f.name), EQUIPMENT_FOLDER]);

  for (const entry of readdirSync(dir).sort()) {
    if (/\.ya?ml$/.test(entry) && !known.has(entry)) {
      issues.push({
        file: displayPath(path.join(dir, entry)),
        path: '(file)',
        message: 'unknown configuration file',
      });
    }
  }

  for (const [key, spec] of Object.entries(CONFIG_FILES)) {
    const file = path.join(dir, spec.name);
    if ('optional' in spec && !existsSync(file)) continue;
    const parsed = readOne(file, spec.schema, issues, hash);
    if (parsed) result[key] = parsed;
  }

  const equipment: Parsed<EquipmentFile>[] = [];
  const equipmentDir = path.join(dir, EQUIPMENT_FOLDER);
  if (!existsSync(equipmentDir)) {
    issues.push({
      file: displayPath(equipmentDir),
      path: '(folder)',
      message: 'equipment folder is missing',
    });
  } else {
    for (const entry of readdirSync(equipmentDir).sort()) {
      if (!/\.ya?ml$/.test(entry)) continue;
      const parsed = readOne(path.join(equipmentDir, entry), EquipmentFile, issues, hash);
      if (parsed) equipment.push(parsed);
    }
  }
  return {
    ...(result as Omit<ParsedConfig, 'equipment' | 'revision'>),
    equipment,
    revision: hash.digest('hex'),
  };
}

function readOne<S extends TSchema>(
  file: string,
  schema: S,
  issues: ConfigIssue[],
  hash: ReturnType<typeof createHash>,
): Parsed<Static<S>> | undefined {
  const shown = displayPath(file);
  if (!existsSync(file)) {
    issues.push({ file: shown, path: '(file)', message: 'required configuration file is missing' });
    return undefined;
  }
  const document = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const position = error.linePos?.[0];
      const where = position ? `(line ${position.line}, column ${position.col})` : '(file)';
      issues.push({ file: shown, path: where, message: `YAML syntax: ${firstLine(error.message)}` });
    }
    return undefined;
  }
  if (!isMap(document.contents) && !isSeq(document.contents)) {
    issues.push({ file: shown, path: '(root)', message: 'file is empty or not a mapping' });
    return undefined;
  }
  const data: unknown = document.toJS({ maxAliasCount: 100 });
  const problems = validateDocument(schema, data);
  for (const problem of problems) issues.push({ file: shown, ...problem });
  if (problems.length > 0) return undefined;
  hash.update(`${path.basename(file)}\u0000${JSON.stringify(data)}\u0000`);
  return { file: shown, data: data as Static<S> };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}
