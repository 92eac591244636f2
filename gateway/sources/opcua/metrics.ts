import { Counter, Gauge, type Registry } from 'prom-client';

/** One endpoint's series; the metric families are shared by every source on a registry. */
export interface OpcuaEndpointMetrics {
  setConnected(connected: boolean): void;
  addValues(count: number): void;
  addReconnection(): void;
  setMonitoredItems(count: number): void;
}

function family<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function opcuaEndpointMetrics(registry: Registry, endpoint: string): OpcuaEndpointMetrics {
  const registers = [registry];
  const labelNames = ['endpoint'] as const;
  const connected = family(
    registry,
    'steward_opcua_connected',
    () =>
      new Gauge({
        name: 'steward_opcua_connected',
        help: 'Whether the OPC UA endpoint has a live session with its subscriptions (1) or not (0)',
        labelNames,
        registers,
      }),
  ).labels({ endpoint });
  const values = family(
    registry,
    'steward_opcua_values_total',
    () =>
      new Counter({
        name: 'steward_opcua_values_total',
        help: 'Values received from the OPC UA endpoint, one per point per change',
        labelNames,
        registers,
      }),
  ).labels({ endpoint });
  const reconnections = family(
    registry,
    'steward_opcua_reconnections_total',
    () =>
      new Counter({
        name: 'steward_opcua_reconnections_total',
        help: 'Times the OPC UA endpoint came back after its connection or session was lost',
        labelNames,
        registers,
      }),
  ).labels({ endpoint });
  const monitoredItems = family(
    registry,
    'steward_opcua_monitored_items',
    () =>
      new Gauge({
        name: 'steward_opcua_monitored_items',
        help: 'Monitored items the OPC UA endpoint accepted and is reporting',
        labelNames,
        registers,
      }),
  ).labels({ endpoint });
  connected.set(0);
  values.inc(0);
  reconnections.inc(0);
  monitoredItems.set(0);
  return {
    setConnected: (up) => connected.set(up ? 1 : 0),
    addValues: (count) => values.inc(count),
    addReconnection: () => reconnections.inc(),
    setMonitoredItems: (count) => monitoredItems.set(count),
  };
}
