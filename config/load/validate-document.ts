import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { pointerSegments, readablePath } from './issues.ts';

interface SchemaError {
  readonly keyword: string;
  readonly schemaPath: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message: string;
}

export interface DocumentProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Validates one parsed document and turns TypeBox's raw errors into one readable problem per
 * real mistake: a missing property is reported at the property, an unknown property by name,
 * and a union (e.g. an MQTT or an OPC UA source) by the errors of the branch that came closest.
 */
export function validateDocument(schema: TSchema, document: unknown): DocumentProblem[] {
  // TypeBox buffers 8 errors by default to bound work on untrusted input; configuration is
  // trusted and every mistake in it should be listed at once.
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: CONFIG_MAX_ERRORS });
  try {
    const errors = [...Value.Errors(schema, document)] as unknown as SchemaError[];
    return dedupe(explain(errors));
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

const CONFIG_MAX_ERRORS = 10_000;

function explain(errors: readonly SchemaError[]): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const unions = errors.filter((error) => error.keyword === 'anyOf');
  const insideUnion = (error: SchemaError): SchemaError | undefined =>
    unions.find(
      (union) =>
        union !== error &&
        error.schemaPath.startsWith(`${union.schemaPath}/anyOf/`) &&
        isWithin(error.instancePath, union.instancePath),
    );

  for (const error of errors) {
    if (insideUnion(error)) continue;
    if (error.keyword === 'anyOf') {
      problems.push(...closestBranch(error, errors));
      continue;
    }
    problems.push(...describe(error));
  }
  return problems;
}

/** The errors of the union branch with the fewest errors, which is almost always the one meant. */
function closestBranch(union: SchemaError, errors: readonly SchemaError[]): DocumentProblem[] {
  const prefix = `${union.schemaPath}/anyOf/`;
  const byBranch = new Map<string, SchemaError[]>();
  for (const error of errors) {
    if (!error.schemaPath.startsWith(prefix)) continue;
    const branch = error.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), error]);
  }
  const branches = [...byBranch.values()].sort((a, b) => a.length - b.length);
  const best = branches[0];
  if (!best)
    return [{ path: readablePath(pointerSegments(union.instancePath)), message: 'has the wrong shape' }];
  const allConstants = branches.every((branch) => branch.every((error) => error.keyword === 'const'));
  if (allConstants) {
    const allowed = branches.flatMap((branch) =>
      branch.map((error) => JSON.stringify(error.params.allowedValue)),
    );
    return [
      {
        path: readablePath(pointerSegments(union.instancePath)),
        message: `must be one of ${allowed.join(', ')}`,
      },
    ];
  }
  return explain(best);
}

function describe(error: SchemaError): DocumentProblem[] {
  const segments = pointerSegments(error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params.requiredProperties as string[] | undefined) ?? [];
      return missing.map((property) => ({
        path: readablePath([...segments, property]),
        message: 'is required',
      }));
    }
    case 'additionalProperties':
      // Reported once per property by the `false` sub-schema error below.
      return [];
    case 'boolean':
      return [{ path: readablePath(segments), message: 'is not a known property' }];
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[] | undefined) ?? [];
      return [
        {
          path: readablePath(segments),
          message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
        },
      ];
    }
    default:
      return [{ path: readablePath(segments), message: error.message }];
  }
}

function isWithin(instancePath: string, parent: string): boolean {
  return instancePath === parent || instancePath.startsWith(`${parent}/`);
}

function dedupe(problems: readonly DocumentProblem[]): DocumentProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
