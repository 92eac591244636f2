import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { preciseNow } from './load-protocol.ts';

/**
 * A pass-through HTTP proxy in front of VictoriaMetrics for the latency phase (it runs in the
 * load generator's process, not the gateway's). It relays every write unchanged and notes when
 * the store acknowledged the write carrying each latency marker: publish → that moment is the
 * gateway's own share of the latency (ingest, spool, forwarder, HTTP write), apart from the
 * store's delay in making accepted samples searchable.
 */
export class StoreProxy {
  readonly #target: string;
  /** `,point=<probe point id>,` as the gateway's line protocol writes the tag. */
  readonly #needle: string;
  readonly #acknowledgedAt = new Map<number, number>();
  #server: Server | undefined;

  constructor(target: string, probePointId: string) {
    this.#target = target;
    this.#needle = `,point=${probePointId},`;
  }

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      this.#relay(request, response).catch((error: unknown) => {
        response.writeHead(502).end(error instanceof Error ? error.message : String(error));
      });
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.#server = server;
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** When the store acknowledged the write holding marker `value`. */
  acknowledgedAt(value: number): number | undefined {
    return this.#acknowledgedAt.get(value);
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #relay(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'content-encoding', 'authorization']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const upstream = await fetch(`${this.#target}${request.url ?? '/'}`, {
      method: request.method ?? 'GET',
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    const at = preciseNow();
    if (upstream.status === 204 && request.url?.startsWith('/api/v2/write')) {
      const gzip = request.headers['content-encoding'] === 'gzip';
      this.#noteMarkers((gzip ? gunzipSync(body) : body).toString('utf8'), at);
    }
    const type = upstream.headers.get('content-type');
    response.writeHead(upstream.status, type ? { 'content-type': type } : {});
    response.end(answer);
  }

  #noteMarkers(lines: string, at: number): void {
    let from = 0;
    for (;;) {
      const found = lines.indexOf(this.#needle, from);
      if (found < 0) return;
      const start = lines.indexOf(' value=', found) + ' value='.length;
      let end = start;
      while (end < lines.length && lines[end] !== ',' && lines[end] !== ' ') end += 1;
      const value = Number(lines.slice(start, end));
      if (Number.isInteger(value) && !this.#acknowledgedAt.has(value)) this.#acknowledgedAt.set(value, at);
      from = end;
    }
  }
}
