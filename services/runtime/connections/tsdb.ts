import type { Component, DependencyHealth, HealthCheck } from '../component.ts';
import { timedCheck } from '../component.ts';

/**
 * The time-series store (VictoriaMetrics locally; any store speaking the InfluxDB v2 write API
 * and the Prometheus query API). Holds no connection: health is an HTTP probe, writes go
 * through @influxdata/influxdb-client in the gateway.
 */
export class TsdbConnection implements Component, HealthCheck {
  readonly name = 'tsdb';
  readonly dependency = 'tsdb';
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, '');
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  check(): Promise<DependencyHealth> {
    return timedCheck(async () => {
      const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    });
  }
}
