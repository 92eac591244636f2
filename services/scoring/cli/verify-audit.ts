import pg from 'pg';
import { readSettings } from '../../runtime/settings.ts';
import { type Queryable, verifyAuditLog } from '../audit/audit-log.ts';
import { scorecardAnchorProblems } from '../store/scorecards.ts';

/**
 * `steward scoring verify-audit`: walks the scoring audit chain from its first row and prints
 * either its head (rows, last number and hash: keep it somewhere else to catch a rewrite of the
 * whole tail) or the first row that is not what was written; then checks every closed scorecard
 * against the audit row that recorded it. Exit code 0 intact, 1 broken.
 */
export async function verifyAuditCommand(db: Queryable, write: (line: string) => void): Promise<number> {
  const verdict = await verifyAuditLog(db);
  if (verdict.ok) {
    write(
      verdict.head
        ? `scoring audit chain intact: ${verdict.rows} rows, head #${verdict.head.seq} ${verdict.head.hash}`
        : 'scoring audit chain is empty',
    );
  } else {
    write(
      `scoring audit chain BROKEN at row ${verdict.brokenAt} (${verdict.reason}): ${verdict.detail}; the ${verdict.rows} rows before it verify`,
    );
  }
  const problems = await scorecardAnchorProblems(db);
  for (const problem of problems) write(`scorecard NOT ANCHORED: ${problem}`);
  return verdict.ok && problems.length === 0 ? 0 : 1;
}

// Until the command is wired into `steward` (services/runtime/cli.ts), it runs on its own:
// DATABASE_URL=… node services/scoring/cli/verify-audit.ts
if (import.meta.main) {
  const pool = new pg.Pool({ connectionString: readSettings().DATABASE_URL, max: 1 });
  try {
    process.exitCode = await verifyAuditCommand(pool, (line) => process.stdout.write(`${line}\n`));
  } finally {
    await pool.end();
  }
}
