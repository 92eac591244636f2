import type { DependencyHealth, HealthCheck } from './component.ts';

export interface HealthReport {
  readonly status: 'up' | 'down';
  readonly role: string;
  readonly version: string;
  readonly configRevision: string;
  readonly uptimeS: number;
  /** The role's clock (the system clock, or the demo's `--clock-start` clock), to compare roles and hosts. */
  readonly nowMs: number;
  readonly dependencies: Readonly<Record<string, DependencyHealth>>;
}

/** Asks every dependency the role uses, in parallel; the process is up only if all are. */
export async function healthReport(
  checks: readonly HealthCheck[],
  identity: { role: string; version: string; configRevision: string; startedAtMs: number; nowMs: number },
): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (check) => [check.dependency, await check.check()] as const),
  );
  const dependencies = Object.fromEntries(results);
  return {
    status: results.every(([, health]) => health.status === 'up') ? 'up' : 'down',
    role: identity.role,
    version: identity.version,
    configRevision: identity.configRevision,
    uptimeS: Math.round((identity.nowMs - identity.startedAtMs) / 1000),
    nowMs: identity.nowMs,
    dependencies,
  };
}
