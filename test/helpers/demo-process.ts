import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { demoUserPassword } from '../../services/accounts/index.ts';
import { type SignedInPage, signIn } from './browser.ts';
import { ConfigFixture } from './config-fixture.ts';
import { freePort } from './mosquitto.ts';
import { createTestDatabase, type TestDatabase, uniqueName } from './stack.ts';
import { type RunningSteward, startSteward } from './steward-process.ts';
import { waitFor } from './wait.ts';

/**
 * `steward all --demo` on the real stack for the browser tests: a database of its own, a copy
 * of the sample configuration (its OPC UA servers on free ports, then the test's own edits), a
 * private Redis prefix, MQTT port and spool; started once the simulated building's readings have
 * reached the store. `stop()` resolves with the process's exit code and removes all of it.
 */
export interface DemoProcess {
  readonly steward: RunningSteward;
  readonly db: TestDatabase;
  readonly fixture: ConfigFixture;
  stop(): Promise<number | null>;
}

export interface DemoOptions {
  /** Changes to the configuration copy before the start. */
  readonly edit?: (fixture: ConfigFixture) => void;
  readonly env?: Readonly<Record<string, string>>;
  /** More arguments after `--demo`, e.g. `--clock-start`. */
  readonly args?: readonly string[];
}

export async function startDemo(options: DemoOptions = {}): Promise<DemoProcess> {
  const db = await createTestDatabase();
  const fixture = new ConfigFixture();
  const spoolDir = mkdtempSync(path.join(tmpdir(), 'steward-demo-'));
  let steward: RunningSteward | undefined;
  const stop = async (): Promise<number | null> => {
    const code = steward ? await steward.stop() : null;
    await db.drop();
    fixture.dispose();
    rmSync(spoolDir, { recursive: true, force: true });
    return code;
  };
  try {
    const ports = [await freePort(), await freePort()];
    fixture.edit('organisation.yaml', (d) => {
      d.setIn(['sites', 0, 'sources', 'opcua', 0, 'url'], `opc.tcp://127.0.0.1:${ports[0]}/steward/bms`);
      d.setIn(['sites', 0, 'sources', 'opcua', 1, 'url'], `opc.tcp://127.0.0.1:${ports[1]}/steward/lifts`);
    });
    options.edit?.(fixture);
    steward = await startSteward(
      'all',
      {
        STEWARD_CONFIG_DIR: fixture.dir,
        DATABASE_URL: db.url,
        STEWARD_REDIS_PREFIX: uniqueName('t'),
        STEWARD_MQTT_PORT: String(await freePort()),
        STEWARD_MQTT_WS_PORT: '0',
        STEWARD_SPOOL_DIR: spoolDir,
        ...options.env,
      },
      60_000,
      ['--demo', ...(options.args ?? [])],
    );
    const { url } = steward;
    await waitFor(
      async () => {
        const status = (await (await fetch(`${url}/gateway/status`)).json()) as {
          forwarders: Record<string, { written: number }>;
        };
        return (status.forwarders['forwarder:tsdb']?.written ?? 0) > 100 || undefined;
      },
      'the simulated building to reach the store',
      45_000,
      500,
    );
    return { steward, db, fixture, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** Signed-in pages of the demo users, each in its own browser context, closed together. */
export class DemoPages {
  readonly #browser: Browser;
  readonly #baseUrl: string;
  readonly #opened: SignedInPage[] = [];

  constructor(browser: Browser, baseUrl: string) {
    this.#browser = browser;
    this.#baseUrl = baseUrl;
  }

  async open(username: string, viewport: { width: number; height: number }): Promise<SignedInPage> {
    const signedIn = await signIn(
      this.#browser,
      this.#baseUrl,
      username,
      demoUserPassword(username),
      viewport,
    );
    this.#opened.push(signedIn);
    return signedIn;
  }

  async closeAll(): Promise<void> {
    for (const page of this.#opened) await page.context.close().catch(() => undefined);
  }
}
