import type { IngestReport, PeerResult } from './ingest-bench.ts';
import type { ThroughputResult } from './phases.ts';

/** The targets the gateway is held to. */
export const TARGETS = {
  gatewayVsNodeRed: 1.25,
  gatewayVsCeiling: 0.7,
  packedReadingsPerS: 50_000,
  p99Ms: 1_000,
} as const;

const finite = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : value;
const whole = (value: number | undefined): number | null => {
  const v = finite(value);
  return v === null ? null : Math.round(v);
};
const tenths = (value: number | undefined): number | null => {
  const v = finite(value);
  return v === null ? null : Math.round(v * 10) / 10;
};
const ratio = (a: number | undefined, b: number | undefined): number | null => {
  const x = finite(a);
  const y = finite(b);
  return x === null || y === null || y === 0 ? null : Math.round((x / y) * 1_000) / 1_000;
};
const met = (value: number | null, target: number, atMost = false): boolean | null =>
  value === null ? null : atMost ? value <= target : value >= target;

/** The round whose rate is the median: its CPU split stands for the peer. */
function medianRound(peer: PeerResult): ThroughputResult | undefined {
  return [...peer.rounds].sort((a, b) => a.perS - b.perS)[Math.floor((peer.rounds.length - 1) / 2)];
}

function peerJson(peer: PeerResult | undefined) {
  if (!peer) return undefined;
  return {
    exact: peer.exact,
    median_per_s: whole(peer.perS),
    min_per_s: whole(peer.minPerS),
    max_per_s: whole(peer.maxPerS),
    rounds: peer.rounds.map((r) => ({
      per_s: whole(r.perS),
      messages_acked: r.messagesAcked,
      readings_expected: r.readingsExpected,
      stored: r.stored,
      exact: r.complete && r.stored === r.readingsExpected,
      seconds: Math.round(r.seconds * 1_000) / 1_000,
      cpu_pct: r.cpu.cpuPct,
      bench_loop_utilisation: r.cpu.benchLoopUtilisation,
      ...(r.rejections && Object.keys(r.rejections).length > 0 ? { rejections: r.rejections } : {}),
    })),
  };
}

/** The single JSON object printed last with --json. */
export function summary(report: IngestReport): Record<string, unknown> {
  const gatewayVsNodeRed = ratio(report.gateway?.perS, report.nodeRed?.perS);
  const gatewayVsCeiling = ratio(report.gateway?.perS, report.ceiling?.perS);
  const packed = whole(report.packed?.perS);
  const l = report.latency;
  const p99 = whole(l?.p99Ms);
  return {
    bench: 'ingest',
    run_id: report.runId,
    quick: report.quick,
    machine: report.machine,
    publishers: report.publishers,
    window_per_publisher: report.window,
    rounds: report.sizes.rounds,
    aedes_ceiling_msgs_per_s: whole(report.ceiling?.perS),
    aedes_publish_only_msgs_per_s: whole(report.publishOnly?.perS),
    gateway_msgs_per_s: whole(report.gateway?.perS),
    gateway_packed_readings_per_s: packed,
    nodered_readings_per_s: whole(report.nodeRed?.perS),
    p50_publish_to_store_ms: whole(l?.p50Ms),
    p99_publish_to_store_ms: p99,
    p50_publish_to_tsdb_ack_ms: tenths(l?.storeAckP50Ms),
    p99_publish_to_tsdb_ack_ms: tenths(l?.storeAckP99Ms),
    p50_publish_to_puback_ms: tenths(l?.ackP50Ms),
    p99_publish_to_puback_ms: tenths(l?.ackP99Ms),
    p50_store_alone_write_to_query_ms: whole(l?.directP50Ms),
    p99_store_alone_write_to_query_ms: whole(l?.directP99Ms),
    latency_target_rate_per_s: l?.targetRatePerS ?? null,
    latency_achieved_rate_per_s: whole(l?.achievedRatePerS),
    latency_markers_seen: l ? `${l.markersSeen}/${l.markersPublished}` : null,
    latency_poll_ms: tenths(l?.pollMs),
    opcua_items_sustained: report.opcua?.itemsSustained ?? null,
    opcua_reason: report.opcua?.reason ?? 'not run',
    ratios: {
      gateway_vs_nodered: gatewayVsNodeRed,
      gateway_vs_aedes_ceiling: gatewayVsCeiling,
      gateway_vs_aedes_publish_only: ratio(report.gateway?.perS, report.publishOnly?.perS),
      nodered_vs_aedes_ceiling: ratio(report.nodeRed?.perS, report.ceiling?.perS),
    },
    targets: {
      gateway_vs_nodered: {
        target: TARGETS.gatewayVsNodeRed,
        met: met(gatewayVsNodeRed, TARGETS.gatewayVsNodeRed),
      },
      gateway_vs_aedes_ceiling: {
        target: TARGETS.gatewayVsCeiling,
        met: met(gatewayVsCeiling, TARGETS.gatewayVsCeiling),
      },
      packed_readings_per_s: {
        target: TARGETS.packedReadingsPerS,
        met: met(packed, TARGETS.packedReadingsPerS),
      },
      p99_publish_to_store_ms: { target: TARGETS.p99Ms, met: met(p99, TARGETS.p99Ms, true) },
    },
    peers: {
      ceiling: peerJson(report.ceiling),
      publish_only: peerJson(report.publishOnly),
      gateway: peerJson(report.gateway),
      nodered: peerJson(report.nodeRed),
      packed: peerJson(report.packed),
    },
    latency: l && {
      stored: l.stored,
      readings_expected: l.readingsExpected,
      exact: l.complete && l.stored === l.readingsExpected,
      max_ms: whole(l.maxMs),
      tsdb_ack_max_ms: tenths(l.storeAckMaxMs),
      cpu_pct: l.cpu.cpuPct,
      gateway_loop_delay_p99_ms: l.cpu.benchLoopDelayP99Ms,
      ...(Object.keys(l.rejections).length > 0 ? { rejections: l.rejections } : {}),
    },
    errors: report.errors,
    seconds: report.seconds,
  };
}

const number = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function cpuText(cpu: Readonly<Record<string, number>>, selfLabel: string): string {
  return Object.entries(cpu)
    .map(([label, pct]) => `${label === 'self' ? selfLabel : label} ${Number.isFinite(pct) ? pct : '?'}`)
    .join(' · ');
}

/** The human-readable table. */
export function render(report: IngestReport): string {
  const m = report.machine;
  const out: string[] = [];
  out.push(
    `Ingest benchmark, run ${report.runId}${report.quick ? ' (--quick)' : ''}: ${m.cpus} CPUs (${m.cpuModel}), ` +
      `${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}`,
  );
  out.push(
    `Load: ${report.publishers} MQTT.js QoS 1 publishers in one child process, ${report.window} messages in flight each. ` +
      'Store: a private VictoriaMetrics 1.79.5 (dedup 1 ms); "stored" is its count.',
  );
  out.push(
    'Rate = stored ÷ (first publish → last reading queryable); ceiling: received ÷ (first publish → last received); ' +
      `no subscriber: acked ÷ (first publish → last PUBACK). Median of ${report.sizes.rounds} interleaved round(s).`,
  );
  out.push('');
  const rows: string[][] = [];
  const add = (name: string, unit: string, selfLabel: string, peer: PeerResult | undefined) => {
    if (!peer) return;
    const typical = medianRound(peer);
    rows.push([
      name,
      `${number(peer.perS)} ${unit}`,
      peer.rounds.map((r) => number(r.perS)).join(' / '),
      number(peer.rounds.reduce((sum, r) => sum + r.stored, 0)),
      peer.exact ? 'yes' : 'NO',
      typical ? cpuText(typical.cpu.cpuPct, selfLabel) : '',
    ]);
  };
  add('aedes ceiling: raw broker → 1 QoS 1 subscriber', 'msgs/s', 'broker', report.ceiling);
  add('aedes, nobody subscribed: publish → PUBACK', 'msgs/s', 'broker', report.publishOnly);
  add('gateway: 1 reading/message', 'readings/s', 'gateway', report.gateway);
  add('Node-RED 5: mqtt in → function → join → influxdb batch', 'readings/s', 'broker', report.nodeRed);
  add('gateway packed: 10 readings/message', 'readings/s', 'gateway', report.packed);
  if (rows.length > 0) {
    out.push(
      table(['peer', 'median', 'rounds', 'stored', 'exact', 'CPU % of one core (median round)'], rows),
      '',
    );
  }
  const l = report.latency;
  if (l) {
    out.push(
      `Latency through the gateway at ${number(l.targetRatePerS)} readings/s (achieved ${number(l.achievedRatePerS)}/s), ` +
        `${l.markersSeen}/${l.markersPublished} markers; VictoriaMetrics polled every ${number(l.pollMs, 1)} ms ` +
        '(force_flush + range query):',
    );
    out.push(
      table(
        ['span', 'p50 ms', 'p99 ms'],
        [
          ['publish → PUBACK (in the spool)', number(l.ackP50Ms, 1), number(l.ackP99Ms, 1)],
          [
            "publish → store's 204 to the gateway's write",
            number(l.storeAckP50Ms, 1),
            number(l.storeAckP99Ms, 1),
          ],
          ['publish → queryable (what a dashboard sees)', number(l.p50Ms), number(l.p99Ms)],
          ['peer: store alone, direct write → queryable', number(l.directP50Ms), number(l.directP99Ms)],
        ],
      ),
    );
    out.push(
      `stored ${number(l.stored)} of ${number(l.readingsExpected)}${l.complete ? ' (exact)' : ' (INCOMPLETE)'}; ` +
        `CPU % ${cpuText(l.cpu.cpuPct, 'gateway')}; gateway event-loop delay p99 ${number(l.cpu.benchLoopDelayP99Ms, 1)} ms`,
      '',
    );
  }
  if (report.opcua)
    out.push(
      `OPC UA monitored items sustained at 1 s: ${report.opcua.itemsSustained ?? 'null'} (${report.opcua.reason})`,
      '',
    );
  const s = summary(report);
  const targets = s.targets as Record<string, { target: number; met: boolean | null }>;
  const ratios = s.ratios as Record<string, number | null>;
  const verdict = (v: boolean | null | undefined) =>
    v === null || v === undefined ? 'not measured' : v ? 'met' : 'SHORT';
  out.push(
    table(
      ['target', 'measured', 'verdict'],
      [
        [
          `gateway ≥ ${TARGETS.gatewayVsNodeRed} × tuned Node-RED`,
          `${number(ratios.gateway_vs_nodered, 2)} ×`,
          verdict(targets.gateway_vs_nodered?.met),
        ],
        [
          `gateway ≥ ${TARGETS.gatewayVsCeiling * 100} % of the aedes ceiling`,
          `${number((ratios.gateway_vs_aedes_ceiling ?? Number.NaN) * 100, 1)} %`,
          verdict(targets.gateway_vs_aedes_ceiling?.met),
        ],
        [
          `packed ≥ ${number(TARGETS.packedReadingsPerS)} readings/s`,
          number(report.packed?.perS),
          verdict(targets.packed_readings_per_s?.met),
        ],
        [
          `p99 publish → queryable ≤ ${number(TARGETS.p99Ms)} ms at ${number(l?.targetRatePerS ?? 10_000)}/s`,
          `${number(l?.p99Ms)} ms`,
          verdict(targets.p99_publish_to_store_ms?.met),
        ],
      ],
    ),
  );
  for (const [phase, error] of Object.entries(report.errors)) out.push(`FAILED ${phase}: ${error}`);
  for (const [name, peer] of [
    ['gateway', report.gateway],
    ['packed', report.packed],
  ] as const) {
    for (const r of peer?.rounds ?? [])
      if (r.rejections && Object.keys(r.rejections).length > 0)
        out.push(`${name}: gateway rejections ${JSON.stringify(r.rejections)}`);
  }
  if (l && Object.keys(l.rejections).length > 0)
    out.push(`latency: gateway rejections ${JSON.stringify(l.rejections)}`);
  out.push(`total ${number(report.seconds, 1)} s`);
  return out.join('\n');
}
