import type { Counter } from 'prom-client';
import type { Logger } from '../runtime/logger.ts';
import type { Incident, IncidentEventKind } from './types.ts';

/** What the store needs from Redis: an ioredis client fits. */
export interface IncidentPublisher {
  publish(channel: string, message: string): Promise<unknown>;
}

/** One change of one incident, as published on `<prefix>:incidents`. */
export interface IncidentChange {
  readonly kind: IncidentEventKind;
  readonly at: Date;
  readonly actor: string;
  readonly incident: Incident;
}

export interface IncidentMessage {
  readonly v: 1;
  readonly kind: IncidentEventKind;
  readonly incidentId: string;
  readonly at: string;
  readonly actor: string;
  readonly incident: Record<string, unknown>;
}

export const incidentsChannel = (prefix: string): string => `${prefix}:incidents`;

export function toMessage(change: IncidentChange): IncidentMessage {
  // Dates become ISO strings through JSON; the snapshot is the row after the change.
  const incident = JSON.parse(JSON.stringify(change.incident)) as Record<string, unknown>;
  return {
    v: 1,
    kind: change.kind,
    incidentId: change.incident.id,
    at: change.at.toISOString(),
    actor: change.actor,
    incident,
  };
}

/**
 * Publishes committed changes in order. A failure is logged and counted, never thrown: the
 * database is the record, the channel only tells live listeners to look.
 */
export class ChangePublisher {
  readonly #publisher: IncidentPublisher;
  readonly #channel: string;
  readonly #logger: Logger | undefined;
  readonly #failuresCounter: Counter | undefined;
  #failures = 0;

  constructor(options: {
    publisher: IncidentPublisher;
    prefix: string;
    logger?: Logger | undefined;
    failures?: Counter | undefined;
  }) {
    this.#publisher = options.publisher;
    this.#channel = incidentsChannel(options.prefix);
    this.#logger = options.logger;
    this.#failuresCounter = options.failures;
  }

  get failures(): number {
    return this.#failures;
  }

  async publish(changes: readonly IncidentChange[]): Promise<void> {
    for (const change of changes) {
      try {
        await this.#publisher.publish(this.#channel, JSON.stringify(toMessage(change)));
      } catch (error) {
        this.#failures++;
        this.#failuresCounter?.inc();
        this.#logger?.warn(
          { err: error, incidentId: change.incident.id, kind: change.kind },
          'incident change not published',
        );
      }
    }
  }
}
