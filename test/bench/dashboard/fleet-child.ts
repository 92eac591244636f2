/**
 * A client fleet, run as a child process of the dashboard bench (fleet-process.ts): socket.io-client
 * instances as a dashboard opens them (WebSocket transport, the session token in `auth`), each
 * counting what it receives. Batches of live values are counted, not parsed (lean-parser.ts).
 */
import { io, type Socket } from 'socket.io-client';
import {
  type ConnectResult,
  type FleetCommand,
  type FleetReply,
  parseTrickleId,
  type WindowTally,
} from './fleet-protocol.ts';
import type { BatchShape } from './lean-parser.ts';
import * as leanParser from './lean-parser.ts';

interface Client {
  readonly socket: Socket;
  ready: boolean;
  dropped: string | undefined;
  batches: number;
  values: number;
  chars: number;
  snapshotValues: number;
  /** Trickle sequence numbers received, with the receipt delay (ms). */
  readonly trickle: Map<number, number>;
  mark: { batches: number; values: number; chars: number };
}

const clients: Client[] = [];
const unexpected: Record<string, number> = {};
let markedAt = 0;

function reply(message: FleetReply): void {
  process.send?.(message);
}

function onTrickle(client: Client, id: unknown): void {
  const parsed = typeof id === 'string' ? parseTrickleId(id) : undefined;
  if (parsed) client.trickle.set(parsed.seq, Date.now() - parsed.atMs);
}

function open(url: string, token: string, timeoutMs: number): Promise<{ client?: Client; failure?: string }> {
  const socket = io(url, {
    transports: ['websocket'],
    auth: { token },
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
    parser: leanParser,
  });
  const client: Client = {
    socket,
    ready: false,
    dropped: undefined,
    batches: 0,
    values: 0,
    chars: 0,
    snapshotValues: -1,
    trickle: new Map(),
    mark: { batches: 0, values: 0, chars: 0 },
  };
  socket.on('live:values', (shape: BatchShape) => {
    client.batches++;
    client.values += shape.values;
    client.chars += shape.chars;
  });
  socket.on('live:snapshot', (shape: BatchShape) => {
    client.snapshotValues = shape.values;
  });
  socket.on('incident', (update: { incidentId?: unknown }) => onTrickle(client, update.incidentId));
  socket.on('workorder', (update: { orderId?: unknown }) => onTrickle(client, update.orderId));
  for (const event of ['session:ended', 'resync', 'workorder:left']) {
    socket.on(event, () => {
      unexpected[event] = (unexpected[event] ?? 0) + 1;
    });
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve({ failure: 'timeout' });
    }, timeoutMs);
    socket.once('ready', () => {
      clearTimeout(timer);
      client.ready = true;
      socket.on('disconnect', (reason) => {
        client.dropped = reason;
      });
      resolve({ client });
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      socket.close();
      resolve({ failure: error.data?.code ?? error.message });
    });
  });
}

async function connect(command: Extract<FleetCommand, { type: 'connect' }>): Promise<ConnectResult> {
  const started = performance.now();
  const failed: Record<string, number> = {};
  let ready = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < command.tokens.length) {
      const token = command.tokens[next++] as string;
      const { client, failure } = await open(command.url, token, command.timeoutMs);
      if (client) {
        clients.push(client);
        ready++;
        min = Math.min(min, client.snapshotValues);
        max = Math.max(max, client.snapshotValues);
      } else if (failure) failed[failure] = (failed[failure] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.inFlight) }, lane));
  return {
    ready,
    failed,
    snapshotValues: ready > 0 ? { min, max } : { min: 0, max: 0 },
    seconds: (performance.now() - started) / 1_000,
  };
}

function mark(): void {
  markedAt = performance.now();
  for (const client of clients) {
    client.mark = { batches: client.batches, values: client.values, chars: client.chars };
    client.trickle.clear();
  }
  for (const key of Object.keys(unexpected)) delete unexpected[key];
}

function tally(from: number, to: number): WindowTally {
  const seconds = (performance.now() - markedAt) / 1_000;
  const batches: number[] = [];
  const deliveryMs: number[] = [];
  const dropped: Record<string, number> = {};
  let values = 0;
  let chars = 0;
  let trickleIncomplete = 0;
  for (const client of clients) {
    batches.push(client.batches - client.mark.batches);
    values += client.values - client.mark.values;
    chars += client.chars - client.mark.chars;
    if (client.dropped) dropped[client.dropped] = (dropped[client.dropped] ?? 0) + 1;
    let complete = true;
    for (let seq = from; seq <= to; seq++) {
      const delay = client.trickle.get(seq);
      if (delay === undefined) complete = false;
      else deliveryMs.push(delay);
    }
    if (!complete) trickleIncomplete++;
  }
  batches.sort((a, b) => a - b);
  return {
    clients: clients.length,
    seconds,
    batches,
    values,
    chars,
    trickleIncomplete,
    trickleExpected: Math.max(0, to - from + 1),
    deliveryMs,
    dropped,
    unexpected: { ...unexpected },
  };
}

function trim(keep: number): number {
  while (clients.length > keep) clients.pop()?.socket.close();
  return clients.length;
}

process.on('message', (command: FleetCommand) => {
  void (async () => {
    try {
      if (command.type === 'connect') reply({ type: 'connected', result: await connect(command) });
      else if (command.type === 'mark') {
        mark();
        reply({ type: 'marked' });
      } else if (command.type === 'tally')
        reply({ type: 'tally', tally: tally(command.trickleFrom, command.trickleTo) });
      else if (command.type === 'trim') reply({ type: 'trimmed', open: trim(command.keep) });
      else {
        trim(0);
        reply({ type: 'closed' });
      }
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
// The bench closed the channel (it finished or died): leave with it.
process.on('disconnect', () => {
  trim(0);
  process.exit(0);
});
