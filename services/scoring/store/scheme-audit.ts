import type { Actor } from '../../workorders/domain/types.ts';
import { appendAudit, latestAudit, lockAuditLog } from '../audit/audit-log.ts';
import { digestOf } from '../domain/index.ts';
import type { StoreContext } from './context.ts';

/**
 * The scoring schemes in the audit log: a `scheme_recorded` row each time a scheme's content
 * differs from the one last audited, so every close can be traced to the rules it applied.
 */

/** Audits every scheme whose content differs from the one last audited (`scheme_recorded`); returns how many. */
export async function recordSchemes(ctx: StoreContext, actor: Actor): Promise<number> {
  let recorded = 0;
  for (const scheme of [...ctx.model.scoringSchemes.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const digest = digestOf(scheme);
    const subject = `scheme:${scheme.id}`;
    const latest = await latestAudit(ctx.pool, subject);
    if ((latest?.body as { digest?: string } | undefined)?.digest === digest) continue;
    await ctx.transaction(async (tx) => {
      // Read again under the append lock: several processes start (and close months) at once.
      await lockAuditLog(tx);
      const again = await latestAudit(tx, subject);
      if ((again?.body as { digest?: string } | undefined)?.digest === digest) return;
      await appendAudit(tx, {
        atMs: ctx.clock.nowMs(),
        kind: 'scheme_recorded',
        subject,
        actor,
        body: { digest, scheme },
      });
      recorded++;
    });
  }
  return recorded;
}
