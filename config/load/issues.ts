import path from 'node:path';

/** One problem found in the configuration, located by file and by path inside the document. */
export interface ConfigIssue {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

export const formatIssue = (issue: ConfigIssue): string => `${issue.file}: ${issue.path}: ${issue.message}`;

/** Thrown when the configuration is invalid; carries every problem, not only the first. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `configuration has ${issues.length} error${issues.length === 1 ? '' : 's'}:\n${issues.map(formatIssue).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Shows a file relative to the working directory when it is below it, as people typed it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** `/sites/0/buildings/1/code` → `sites[0].buildings[1].code`; the document root is `(root)`. */
export function readablePath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(root)' : out;
}

export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** Collects issues for one file with paths given as segment arrays. */
export class IssueCollector {
  readonly issues: ConfigIssue[] = [];

  at(file: string, segments: readonly (string | number)[], message: string): void {
    this.issues.push({ file, path: readablePath(segments), message });
  }
}
