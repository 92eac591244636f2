import { createHash } from 'node:crypto';
import { ScoringError } from './errors.ts';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, arrays in their order, numbers
 * as JavaScript prints them (shortest round-trip form). The same value always gives the same
 * bytes, which is what a recomputed scorecard is compared by and what the audit chain hashes.
 * Values JSON cannot carry faithfully (undefined, NaN, ±Infinity, functions, bigint) are refused
 * rather than dropped or turned into null.
 */
export function canonicalJson(value: unknown): string {
  // The path to a value is only built when one is refused: scorecards are large.
  const path: (string | number)[] = [];
  const write = (node: unknown): string => {
    if (node === null) return 'null';
    switch (typeof node) {
      case 'string':
      case 'boolean':
        return JSON.stringify(node);
      case 'number':
        if (!Number.isFinite(node)) throw notCanonical(path, String(node));
        // -0 prints as 0 in JSON anyway; say so explicitly.
        return Object.is(node, -0) ? '0' : JSON.stringify(node);
      case 'object': {
        if (Array.isArray(node)) {
          let out = '[';
          for (let i = 0; i < node.length; i++) {
            path.push(i);
            out += i === 0 ? write(node[i]) : `,${write(node[i])}`;
            path.pop();
          }
          return `${out}]`;
        }
        const prototype = Object.getPrototypeOf(node);
        if (prototype !== Object.prototype && prototype !== null) {
          throw notCanonical(path, `an instance of ${(node as object).constructor?.name ?? 'a class'}`);
        }
        const keys = Object.keys(node).sort();
        let out = '{';
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i] as string;
          path.push(key);
          out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${write((node as Record<string, unknown>)[key])}`;
          path.pop();
        }
        return `${out}}`;
      }
      default:
        throw notCanonical(path, typeof node);
    }
  };
  return write(value);
}

const notCanonical = (path: readonly (string | number)[], what: string): ScoringError =>
  new ScoringError(
    'invalid_input',
    `$${path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('')}: ${what} has no canonical JSON form`,
  );

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** sha256 of the value's canonical JSON. */
export const digestOf = (value: unknown): string => sha256Hex(canonicalJson(value));
