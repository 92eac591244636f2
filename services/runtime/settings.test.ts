import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { readSettings, SECRET_SETTINGS, Settings, SettingsError } from './settings.ts';

describe('readSettings: secrets from the environment or from files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-settings-'));
  const secretFile = (name: string, content: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a secret setting from the file named by <NAME>_FILE, without its trailing newline', () => {
    const settings = readSettings({ TSDB_TOKEN_FILE: secretFile('token', 'influx-token-123\n') });
    expect(settings.TSDB_TOKEN).toBe('influx-token-123');
    const url = 'redis://:pw@redis.internal:6379';
    expect(readSettings({ REDIS_URL_FILE: secretFile('redis-url', `${url}\n`) }).REDIS_URL).toBe(url);
  });

  it('validates a value read from a file like one from the environment', () => {
    expect(() => readSettings({ DATABASE_URL_FILE: secretFile('bad-url', 'mysql://x@y/z') })).toThrow(
      /^environment: DATABASE_URL: .*pattern/m,
    );
  });

  it('refuses a setting given both ways, and an unreadable file, listing every problem', () => {
    let error: unknown;
    try {
      readSettings({
        TSDB_TOKEN: 'inline',
        TSDB_TOKEN_FILE: secretFile('token-2', 'from-file'),
        DATABASE_PASSWORD_FILE: path.join(dir, 'missing'),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).code).toBe('SETTINGS_INVALID');
    const lines = (error as Error).message.split('\n').slice(1);
    expect(lines).toEqual([
      expect.stringMatching(/^environment: DATABASE_PASSWORD_FILE: secret file .*missing cannot be read/),
      'environment: TSDB_TOKEN_FILE: set either TSDB_TOKEN or TSDB_TOKEN_FILE, not both',
    ]);
  });

  it('puts DATABASE_PASSWORD into DATABASE_URL, escaped, so any character works', () => {
    const password = 'p@ss:w/rd%20#?';
    const settings = readSettings({
      DATABASE_URL: 'postgres://steward@postgres:5432/steward',
      DATABASE_PASSWORD_FILE: secretFile('pg', `${password}\n`),
    });
    // What the pg driver will read back from the URL.
    const parsed = new pg.Client({ connectionString: settings.DATABASE_URL });
    expect(parsed.password).toBe(password);
    expect(parsed.user).toBe('steward');
    expect(parsed.host).toBe('postgres');
  });

  it('refuses DATABASE_PASSWORD when the URL already holds one', () => {
    expect(() =>
      readSettings({ DATABASE_URL: 'postgres://a:b@postgres/steward', DATABASE_PASSWORD: 'c' }),
    ).toThrow(/^environment: DATABASE_PASSWORD: DATABASE_URL already holds a password; give it once$/m);
  });

  it('names only settings that exist', () => {
    for (const key of SECRET_SETTINGS) expect(Object.keys(Settings.properties)).toContain(key);
  });
});
