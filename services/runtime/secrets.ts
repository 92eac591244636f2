import { readFileSync } from 'node:fs';

export class SecretError extends Error {
  readonly code = 'SECRET_UNAVAILABLE';
}

/**
 * Resolves a secret reference from the configuration: `env:NAME` reads an environment variable,
 * `file:/path` a file (docker secrets; trailing newline removed). Secrets never sit in config files.
 */
export function resolveSecret(reference: string, env: NodeJS.ProcessEnv = process.env): string {
  if (reference.startsWith('env:')) {
    const name = reference.slice('env:'.length);
    const value = env[name];
    if (value === undefined || value === '') throw new SecretError(`environment variable ${name} is not set`);
    return value;
  }
  if (reference.startsWith('file:')) {
    const file = reference.slice('file:'.length);
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new SecretError(`secret file ${file} cannot be read: ${(error as Error).message}`);
    }
  }
  throw new SecretError(`unsupported secret reference ${reference}`);
}
