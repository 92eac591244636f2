/**
 * The peer: a bare socket.io server in a process of its own, relaying the same Redis sources to
 * the same clients as the live server, with nothing of ours in between: no authentication lookup
 * (any `auth.token` is accepted), no schemas, no metrics, no Redis adapter, no session checks.
 * It coalesces live values the same way (newest value per point, one batch per site every
 * 1000 / 2 ms), sends the snapshot from the same hash and `ready`, so the clients cannot tell
 * the two apart. Started by bare-peer.ts; answers `lag` requests (event-loop delay, measured as
 * prom-client measures it in steward: monitorEventLoopDelay at 10 ms resolution) over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

interface Start {
  readonly type: 'start';
  readonly redisUrl: string;
  readonly prefix: string;
  readonly site: string;
  readonly flushMs: number;
}

type Command = Start | { readonly type: 'lag' };

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();

async function start(command: Start): Promise<string> {
  const { redisUrl, prefix, site, flushMs } = command;
  const http = createServer();
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 16_384 });
  const commands = new Redis(redisUrl);
  const subscriber = new Redis(redisUrl);
  const room = `site:${site}`;
  const pending = new Map<string, { p: string; t: number; v: number }>();
  const live = `${prefix}:live:${site}`;
  const incidents = `${prefix}:incidents`;
  const workorders = `${prefix}:workorders`;
  subscriber.on('message', (channel: string, text: string) => {
    if (channel === live) {
      for (const value of JSON.parse(text) as { p: string; t: number; v: number }[]) {
        const previous = pending.get(value.p);
        if (!previous || previous.t <= value.t) pending.set(value.p, value);
      }
    } else if (channel === incidents) io.to(room).emit('incident', JSON.parse(text));
    else if (channel === workorders) io.to(room).emit('workorder', JSON.parse(text));
  });
  await subscriber.subscribe(live, incidents, workorders);
  setInterval(() => {
    if (pending.size === 0) return;
    const values = [...pending.values()];
    pending.clear();
    io.to(room).emit('live:values', { site, values });
  }, flushMs);
  io.on('connection', (socket) => {
    void (async () => {
      if (typeof socket.handshake.auth.token !== 'string') {
        socket.disconnect(true);
        return;
      }
      await socket.join(room);
      const fields = await commands.hgetall(`${prefix}:latest:${site}`);
      const values = Object.entries(fields).map(([p, text]) => ({
        p,
        ...(JSON.parse(text) as { t: number; v: number }),
      }));
      socket.emit('live:snapshot', { site, values });
      socket.emit('ready', { sites: [site], workOrders: 'all', serverTimeMs: Date.now() });
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

process.on('message', (command: Command) => {
  if (command.type === 'lag') {
    process.send?.({ type: 'lag', p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 });
    delay.reset();
    return;
  }
  start(command).then(
    (url) => process.send?.({ type: 'started', url }),
    (error: unknown) =>
      process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
