/**
 * Whether an error means PostgreSQL could not be reached or went away (refused, reset, timed out,
 * shut down, starting up), as opposed to a query that failed on its own merits. The rule worker
 * holds a reading batch through the first kind instead of failing it (rules/worker/rule-worker.ts);
 * the work-order dispatcher retries such an event from its cursor instead of parking it
 * (workorders/dispatch-failures.ts).
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // admin_shutdown, crash_shutdown, cannot_connect_now (the server is starting or stopping)
  '57P01',
  '57P02',
  '57P03',
]);

const CONNECTION_MESSAGES = /connection terminated|timeout exceeded when trying to connect|connection error/i;

export function isPostgresUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  // SQLSTATE class 08: connection exceptions.
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (CONNECTION_MESSAGES.test(error.message)) return true;
  if (
    error instanceof AggregateError &&
    error.errors.some((inner) => isPostgresUnavailable(inner, depth + 1))
  )
    return true;
  return isPostgresUnavailable(error.cause, depth + 1);
}
