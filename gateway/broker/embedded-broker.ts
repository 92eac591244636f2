import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { Counter, Gauge, type Registry } from 'prom-client';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Component } from '../../services/runtime/component.ts';
import type { Logger } from '../../services/runtime/logger.ts';
import type { TlsMaterial } from '../../services/runtime/tls.ts';
import { DEVICE_TOPIC_ROOT } from '../ingest/decode-mqtt.ts';
import type { Ingestor } from '../ingest/ingestor.ts';
import { verifyDeviceSecret } from './device-credentials.ts';
import { FrameMeter } from './frame-guard.ts';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  /** MQTT over TCP; 0 picks a free port. */
  readonly port: number;
  /** MQTT over WebSocket; undefined disables it. */
  readonly wsPort?: number;
  /**
   * MQTT over TLS on `port` (0 picks a free port); undefined disables it. With `ca`, a device
   * must also present a client certificate signed by it; the username/password check still applies.
   */
  readonly tls?: (TlsMaterial & { readonly port: number }) | undefined;
  /** device id → scrypt hash of its password */
  readonly credentials: ReadonlyMap<string, string>;
  readonly ingestor: Ingestor;
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Connections announcing a larger MQTT packet are dropped before it is buffered. */
  readonly maxPacketBytes: number;
}

const BAD_USERNAME_OR_PASSWORD = 4;

/**
 * The devices' broker (aedes), with authentication and per-device topic ACLs in-process.
 *
 * A device authenticates with its id as username and its password (checked against a scrypt
 * hash); anonymous connections are refused. It may publish only under `devices/<id>/` (except
 * its `cmd/` topics, which only the gateway publishes to) and subscribe only under `devices/<id>/cmd/`. Readings are ingested in `authorizePublish`, which
 * aedes runs *before* it sends the QoS 1 PUBACK: a device is acknowledged only once its readings
 * are in the spool, so a gateway crash cannot lose an acknowledged reading.
 */
export class EmbeddedBroker implements Component {
  readonly name = 'mqtt-broker';
  readonly #options: EmbeddedBrokerOptions;
  readonly #devices = new WeakMap<Client, string>();
  #aedes: Aedes | undefined;
  #tcp: Server | undefined;
  #tls: TlsServer | undefined;
  #ws: WebSocketServer | undefined;
  readonly #refused: Counter<'reason'>;

  constructor(options: EmbeddedBrokerOptions) {
    this.#options = options;
    const registers = [options.metrics];
    this.#refused = new Counter({
      name: 'steward_mqtt_refused_total',
      help: 'Connections (TLS handshakes included), publishes and subscriptions the embedded broker refused, by reason',
      labelNames: ['reason'],
      registers,
    });
    const broker = (): Aedes | undefined => this.#aedes;
    new Gauge({
      name: 'steward_mqtt_connected_clients',
      help: 'Devices connected to the embedded broker',
      registers,
      collect() {
        this.set(broker()?.connectedClients ?? 0);
      },
    });
  }

  async start(): Promise<void> {
    const { logger } = this.#options;
    const aedes = await Aedes.createBroker({
      drainTimeout: 30_000,
      authenticate: (client, username, password, done) => {
        void this.#authenticate(client, username, password).then(
          (ok) => done(ok ? null : refusal(), ok),
          () => done(refusal(), false),
        );
      },
      authorizePublish: (client, packet, done) => {
        void this.#authorizePublish(client, packet.topic, packet.payload).then(() => done(null), done);
      },
      authorizeSubscribe: (client, subscription, done) => {
        const device = this.#devices.get(client);
        const allowed =
          device !== undefined && subscription.topic.startsWith(`${DEVICE_TOPIC_ROOT}/${device}/cmd/`);
        if (allowed) return done(null, subscription);
        this.#refuse(
          'SUBSCRIBE_NOT_ALLOWED',
          `may not subscribe to ${subscription.topic}`,
          device,
          subscription.topic,
        );
        // A null subscription answers SUBACK 0x80 (failure) without dropping the connection.
        done(null, null);
      },
    });
    aedes.on('clientError', (client, error) =>
      logger.debug({ client: client.id, err: error }, 'MQTT client error'),
    );
    this.#aedes = aedes;

    this.#tcp = createServer((socket) => this.#accept(socket));
    await listen(this.#tcp, this.#options.port, this.#options.host);
    const tls = this.#options.tls;
    if (tls) {
      this.#tls = createTlsServer(
        {
          cert: tls.cert,
          key: tls.key,
          minVersion: 'TLSv1.2',
          ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        (socket) => this.#accept(socket),
      );
      // A failed handshake (no or an unknown client certificate, a client that does not trust
      // ours, plain MQTT on the TLS port) never reaches aedes: counted here, and logged at debug.
      this.#tls.on('tlsClientError', (error) => {
        this.#refused.inc({ reason: 'TLS_HANDSHAKE_FAILED' });
        logger.debug({ err: error }, 'MQTT TLS handshake failed');
      });
      await listen(this.#tls, tls.port, this.#options.host);
    }
    if (this.#options.wsPort !== undefined) {
      const ws = new WebSocketServer({
        host: this.#options.host,
        port: this.#options.wsPort,
        maxPayload: this.#options.maxPacketBytes,
      });
      ws.on('connection', (socket, request) => {
        aedes.handle(createWebSocketStream(socket), request);
      });
      await new Promise<void>((resolve, reject) => {
        ws.once('listening', resolve);
        ws.once('error', reject);
      });
      this.#ws = ws;
    }
    logger.info(
      {
        port: this.port,
        wsPort: this.wsPort,
        tlsPort: this.tlsPort,
        clientCertificates: tls?.ca !== undefined,
      },
      'MQTT broker listening',
    );
  }

  async stop(): Promise<void> {
    // Stop accepting first; the listeners finish closing only once every client connection has
    // ended, which aedes.close() brings about (in-flight publishes finish their spool append).
    const listenersClosed = Promise.all([
      this.#tcp ? new Promise<void>((resolve) => this.#tcp?.close(() => resolve())) : undefined,
      this.#tls ? new Promise<void>((resolve) => this.#tls?.close(() => resolve())) : undefined,
      this.#ws ? new Promise<void>((resolve) => this.#ws?.close(() => resolve())) : undefined,
    ]);
    const aedes = this.#aedes;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const client of this.#ws?.clients ?? []) client.terminate();
    await listenersClosed;
  }

  /** Sends a command to a device on `devices/<device>/cmd/<name>` (what devices may subscribe to). */
  publishCommand(
    device: string,
    name: string,
    payload: string,
    options: { qos?: 0 | 1; retain?: boolean } = {},
  ): Promise<void> {
    const aedes = this.#aedes;
    if (!aedes) return Promise.reject(new Error('broker is not started'));
    return new Promise((resolve, reject) =>
      aedes.publish(
        {
          cmd: 'publish',
          topic: `${DEVICE_TOPIC_ROOT}/${device}/cmd/${name}`,
          payload: Buffer.from(payload),
          qos: options.qos ?? 1,
          retain: options.retain ?? false,
          dup: false,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }

  get port(): number {
    const address = this.#tcp?.address();
    return typeof address === 'object' && address ? address.port : this.#options.port;
  }

  /** The MQTT over TLS port, undefined when TLS is off. */
  get tlsPort(): number | undefined {
    const address = this.#tls?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  get wsPort(): number | undefined {
    const address = this.#ws?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  #accept(socket: Socket): void {
    const meter = new FrameMeter(this.#options.maxPacketBytes);
    // Sees every chunk as aedes reads it, before it is parsed; a packet announced too large ends
    // the connection, so at most one socket chunk of it is ever buffered.
    socket.on('data', (chunk: Buffer) => {
      const tooLarge = meter.feed(chunk);
      if (tooLarge === undefined) return;
      this.#refuse('PACKET_TOO_LARGE', `packet of ${tooLarge} bytes exceeds ${this.#options.maxPacketBytes}`);
      socket.destroy();
    });
    this.#aedes?.handle(socket);
  }

  async #authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<boolean> {
    const stored = username === undefined ? undefined : this.#options.credentials.get(username);
    const ok =
      stored !== undefined &&
      password !== undefined &&
      (await verifyDeviceSecret(password.toString('utf8'), stored));
    if (!ok || username === undefined) {
      this.#refuse(
        'AUTH_FAILED',
        username ? `bad credentials for ${username.slice(0, 64)}` : 'anonymous connection refused',
      );
      return false;
    }
    this.#devices.set(client, username);
    return true;
  }

  async #authorizePublish(client: Client | null, topic: string, payload: Buffer | string): Promise<void> {
    // Publishes by the gateway itself (client null) are internal and not ingested.
    if (client === null) return;
    const device = this.#devices.get(client);
    // A device's own `cmd/` topics carry commands *to* it: only the gateway publishes there, or
    // anyone holding a device's password could inject commands to it.
    if (
      device === undefined ||
      !topic.startsWith(`${DEVICE_TOPIC_ROOT}/${device}/`) ||
      topic.startsWith(`${DEVICE_TOPIC_ROOT}/${device}/cmd/`)
    ) {
      this.#refuse('PUBLISH_NOT_ALLOWED', `may not publish to ${topic}`, device, topic);
      // MQTT 3.1.1 has no negative PUBACK: refusing disconnects the client (as the spec allows).
      throw new Error('publish not allowed');
    }
    await this.#options.ingestor.deviceMessage(
      device,
      topic,
      typeof payload === 'string' ? Buffer.from(payload) : payload,
    );
  }

  #refuse(
    code: 'AUTH_FAILED' | 'PUBLISH_NOT_ALLOWED' | 'SUBSCRIBE_NOT_ALLOWED' | 'PACKET_TOO_LARGE',
    detail: string,
    device?: string,
    topic?: string,
  ): void {
    this.#refused.inc({ reason: code });
    this.#options.ingestor.refuse({
      code,
      detail,
      source: 'mqtt:embedded',
      ...(device ? { device } : {}),
      ...(topic ? { topic } : {}),
    });
  }
}

function refusal(): AuthenticateError {
  return Object.assign(new Error('bad username or password'), {
    returnCode: BAD_USERNAME_OR_PASSWORD,
  }) as AuthenticateError;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
