import type { SqlPool } from '../runtime/connections/postgres.ts';

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

/** One HTTP attempt of one delivery, as written to `webhook_deliveries`. */
export interface DeliveryAttemptRecord {
  readonly deliveryId: string;
  readonly vendorId: string;
  readonly event: string;
  readonly orderId: string | null;
  readonly attempt: number;
  readonly url: string | null;
  readonly outcome: DeliveryOutcome;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly at: Date;
}

/** A logged attempt, with its row id (bigint, as a string). */
export interface DeliveryAttempt extends DeliveryAttemptRecord {
  readonly id: string;
}

/** What the notifier needs of the log. */
export interface DeliveryRecorder {
  record(attempt: DeliveryAttemptRecord): Promise<void>;
}

export interface DeliveryFilter {
  readonly vendorId: string;
  readonly orderId?: string;
  readonly deliveryId?: string;
  /** Only attempts before this instant (paging backwards through the log). */
  readonly before?: Date;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

interface DeliveryRow {
  id: string;
  delivery_id: string;
  vendor_id: string;
  event: string;
  order_id: string | null;
  attempt: number;
  url: string | null;
  outcome: DeliveryOutcome;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  at: Date;
}

/** The append-only delivery log in PostgreSQL (migrations/001_notifications.sql). */
export class DeliveryLog implements DeliveryRecorder {
  readonly #pool: SqlPool;

  constructor(pool: SqlPool) {
    this.#pool = pool;
  }

  async record(attempt: DeliveryAttemptRecord): Promise<void> {
    await this.#pool.query(
      `insert into webhook_deliveries
         (delivery_id, vendor_id, event, order_id, attempt, url, outcome, status_code, error, duration_ms, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        attempt.deliveryId,
        attempt.vendorId,
        attempt.event,
        attempt.orderId,
        attempt.attempt,
        attempt.url,
        attempt.outcome,
        attempt.statusCode,
        attempt.error,
        attempt.durationMs,
        attempt.at,
      ],
    );
  }

  /** A vendor's attempts, newest first (by time, then by row for attempts in the same instant). */
  async list(filter: DeliveryFilter): Promise<DeliveryAttempt[]> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 1000);
    const { rows } = await this.#pool.query<DeliveryRow>(
      `select id::text, delivery_id, vendor_id, event, order_id, attempt, url, outcome, status_code, error,
              duration_ms, at
         from webhook_deliveries
        where vendor_id = $1
          and ($2::text is null or order_id = $2)
          and ($3::text is null or delivery_id = $3)
          and ($4::timestamptz is null or at < $4)
        order by at desc, id desc
        limit $5`,
      [filter.vendorId, filter.orderId ?? null, filter.deliveryId ?? null, filter.before ?? null, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      deliveryId: row.delivery_id,
      vendorId: row.vendor_id,
      event: row.event,
      orderId: row.order_id,
      attempt: row.attempt,
      url: row.url,
      outcome: row.outcome,
      statusCode: row.status_code,
      error: row.error,
      durationMs: row.duration_ms,
      at: row.at,
    }));
  }
}
