import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../config/load/load-config.ts';
import { systemClock } from '../../services/runtime/clock.ts';
import { HttpServer } from '../../services/runtime/http-server.ts';
import { createLogger } from '../../services/runtime/logger.ts';
import { composeProcess } from '../../services/runtime/roles.ts';
import { readSettings } from '../../services/runtime/settings.ts';
import { httpsMaterial } from '../../services/runtime/tls.ts';
import { repoRoot, sampleConfigDir } from '../helpers/config-fixture.ts';
import { makeTestCertificates } from '../helpers/mosquitto.ts';

/** GET over HTTPS, trusting only `ca` when given (else Node's default roots, which lack the test CA). */
function get(port: number, urlPath: string, ca?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      { host: '127.0.0.1', port, path: urlPath, ...(ca ? { ca } : {}), agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
  });
}

describe('HTTPS on the HTTP server', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'steward-tls-https-'));
  const certs = makeTestCertificates(dir);
  const ca = readFileSync(certs.caFile);
  const logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');
  const files = { STEWARD_TLS_CERT_FILE: certs.certFile, STEWARD_TLS_KEY_FILE: certs.keyFile };
  const started: HttpServer[] = [];

  afterAll(async () => {
    for (const server of started) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /health and /metrics to a client trusting the test CA, and not to one without it', async () => {
    const server = new HttpServer({
      host: '127.0.0.1',
      port: 0,
      role: 'api',
      version: 'test',
      configRevision: 'test',
      checks: [],
      metrics: new Registry(),
      logger,
      clock: systemClock,
      tls: httpsMaterial(files),
    });
    started.push(server);
    await server.start();
    expect(server.scheme).toBe('https');

    const health = await get(server.port, '/health', ca);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'up', role: 'api' });
    expect((await get(server.port, '/metrics', ca)).body).toMatch(/^# HELP steward_dependency_up /m);
    await expect(get(server.port, '/health')).rejects.toThrow(/self[- ]signed certificate|unable to verify/i);
  });

  it('is what a role serves when STEWARD_TLS_CERT_FILE and STEWARD_TLS_KEY_FILE are set', async () => {
    const spoolDir = path.join(dir, 'spool');
    const settings = readSettings({ ...files, STEWARD_SPOOL_DIR: spoolDir, LOG_LEVEL: 'silent' });
    // `simulate` depends on no server; only its HTTP server is started here.
    const composed = composeProcess({
      role: 'simulate',
      settings,
      model: loadConfig(sampleConfigDir),
      logger,
      clock: systemClock,
      version: 'test',
      port: 0,
      host: '127.0.0.1',
    });
    started.push(composed.http);
    await composed.http.start();
    expect(composed.http.scheme).toBe('https');
    const health = await get(composed.http.port, '/health', ca);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'up', role: 'simulate' });
  });

  it("passes docker-compose.yml's health check probe over HTTPS, and fails it on 503", async () => {
    const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as {
      services: Record<string, { healthcheck?: { test?: string[] } }>;
    };
    const [kind, command, flag, script] = compose.services.api?.healthcheck?.test ?? [];
    expect([kind, command, flag]).toEqual(['CMD', 'node', '-e']);
    // A child process, as Docker runs it (not spawnSync: the servers answer from this event loop).
    const probe = (port: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['-e', script as string], {
          env: { STEWARD_TLS_CERT_FILE: '/etc/steward/tls/api.pem', STEWARD_HTTP_PORT: String(port) },
          stdio: 'ignore',
          timeout: 10_000,
        });
        child.on('exit', (code) => resolve(code));
      });
    const server = (down: boolean) =>
      new HttpServer({
        host: '127.0.0.1',
        port: 0,
        role: 'api',
        version: 'test',
        configRevision: 'test',
        checks: down
          ? [{ dependency: 'postgres', check: async () => ({ status: 'down', error: 'test' }) }]
          : [],
        metrics: new Registry(),
        logger,
        clock: systemClock,
        tls: httpsMaterial(files),
      });
    const up = server(false);
    const failing = server(true);
    started.push(up, failing);
    await up.start();
    await failing.start();
    expect(await probe(up.port)).toBe(0);
    expect(await probe(failing.port)).toBe(1);
  });

  it('refuses to start when only one of the two files is set, naming the missing setting', () => {
    expect(() => readSettings({ STEWARD_TLS_CERT_FILE: certs.certFile })).toThrow(
      /^environment: STEWARD_TLS_KEY_FILE: required when STEWARD_TLS_CERT_FILE is set$/m,
    );
    expect(() =>
      readSettings({
        STEWARD_TLS_CERT_FILE: certs.caFile.replace('ca.pem', 'missing.pem'),
        STEWARD_TLS_KEY_FILE: certs.keyFile,
      }),
    ).toThrow(/^environment: STEWARD_TLS_CERT_FILE: cannot read .*missing\.pem: ENOENT$/m);
  });
});
