import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';

/**
 * Plain aedes as its README starts it: no authentication, no hooks, in-memory persistence.
 * The ceiling every MQTT-fed pipeline on this machine shares, and the broker the Node-RED peer
 * subscribes to.
 */
export class RawBroker {
  readonly #aedes: Aedes;
  readonly #server: Server;

  private constructor(aedes: Aedes, server: Server) {
    this.#aedes = aedes;
    this.#server = server;
  }

  static async start(): Promise<RawBroker> {
    const aedes = await Aedes.createBroker();
    const server = createServer((socket) => aedes.handle(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new RawBroker(aedes, server);
  }

  get url(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('broker is not listening');
    return `mqtt://127.0.0.1:${address.port}`;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Resolves when a client whose id starts with `clientIdPrefix` has subscribed. */
  subscribed(clientIdPrefix: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#aedes.off('subscribe', onSubscribe);
        reject(new Error(`no subscription from ${clientIdPrefix}* within ${timeoutMs} ms`));
      }, timeoutMs);
      const onSubscribe = (_subscriptions: unknown, client: { id: string } | null): void => {
        if (!client?.id.startsWith(clientIdPrefix)) return;
        clearTimeout(timer);
        this.#aedes.off('subscribe', onSubscribe);
        resolve();
      };
      this.#aedes.on('subscribe', onSubscribe);
    });
  }

  async stop(): Promise<void> {
    const closed = once(this.#server, 'close');
    this.#server.close();
    await new Promise<void>((resolve) => this.#aedes.close(() => resolve()));
    await closed;
  }
}
