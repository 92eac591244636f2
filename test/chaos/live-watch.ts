import { io, type Socket } from 'socket.io-client';

/** What a live dashboard saw of the work orders during a scenario. */
export interface LiveCount {
  /** Orders dispatched while the client was connected and every process healthy. */
  readonly expected: number;
  /** Of those, the ones whose `dispatch` change reached the client. */
  readonly received: number;
  /** Changes (order and sequence number) that reached it more than once. */
  readonly duplicated: number;
  /** Times it was connected again after losing the API. */
  readonly reconnects: number;
}

/**
 * A facilities manager's live dashboard: a socket.io client on the API that reconnects by itself
 * (as the dashboards' client does) and records every `workorder` change it receives. A change
 * published while the client is away or while Redis is down is not replayed (the dashboards
 * reload their lists on reconnect); what is checked is that every order dispatched while the
 * client was connected and the processes healthy reached it, once.
 */
export class LiveWatch {
  readonly #socket: Socket;
  readonly #seen = new Map<string, number>();
  readonly #dispatchedSeen = new Set<string>();
  /** Wall-clock instants of each `ready` (the server's hello after a connect). */
  readonly readyAt: number[] = [];

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('ready', () => this.readyAt.push(Date.now()));
    socket.on('workorder', (update: { orderId: string; action: string; seq?: number }) => {
      const key = `${update.orderId}:${update.seq ?? update.action}`;
      this.#seen.set(key, (this.#seen.get(key) ?? 0) + 1);
      if (update.action === 'dispatch') this.#dispatchedSeen.add(update.orderId);
    });
  }

  static async connect(
    apiUrl: string,
    credentials: { username: string; password: string },
  ): Promise<LiveWatch> {
    const login = await fetch(`${apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (!login.ok) throw new Error(`the API refused the live client's login: HTTP ${login.status}`);
    const { token } = (await login.json()) as { token: string };
    const socket = io(apiUrl, {
      auth: { token },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 250,
      reconnectionDelayMax: 1_000,
    });
    const watch = new LiveWatch(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the live client got no ready within 10 s')), 10_000);
      socket.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return watch;
  }

  /**
   * The count for orders dispatched at `dispatchedAt`, expecting those dispatched inside the
   * windows given (wall-clock ms, a second's margin inside each edge for the publish to travel).
   */
  count(
    orders: readonly { readonly order_id: string; readonly dispatched_at: Date | null }[],
    windows: readonly (readonly [number, number])[],
  ): LiveCount {
    const inside = orders.filter((order) => {
      const at = order.dispatched_at?.getTime();
      return at !== undefined && windows.some(([from, to]) => at >= from + 1_000 && at <= to - 1_000);
    });
    return {
      expected: inside.length,
      received: inside.filter((order) => this.#dispatchedSeen.has(order.order_id)).length,
      duplicated: [...this.#seen.values()].filter((times) => times > 1).length,
      reconnects: Math.max(0, this.readyAt.length - 1),
    };
  }

  close(): void {
    this.#socket.disconnect();
  }
}
