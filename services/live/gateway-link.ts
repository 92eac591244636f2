import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { Id } from '../../config/schema/common.ts';

/**
 * Whether a site's gateway is reaching the platform, as the control room sees it. The gateway
 * rewrites its rule hand-off watermark (`gateway/handoff/watermark.ts`, `{ w, at }` in
 * `<prefix>:handoff:<site>`) four times a second while it runs and reaches Redis, `at` being its
 * wall clock. A watermark not rewritten for `offlineAfterMs` means the gateway process has
 * stopped, hangs, or cannot reach Redis: the site's readings are not arriving, and — because
 * the rule workers hold time-driven rules at that watermark — no meter's 数据中断 (stale) alarm
 * will fire either. This is the one signal for that case.
 *
 * `at` is compared with this process's wall clock, so clocks of the two hosts must agree to well
 * within `offlineAfterMs` (NTP). A gateway that never handed a reading over has written no
 * watermark: `unknown`.
 */
export const GATEWAY_OFFLINE_AFTER_MS = 30_000;

export const GatewayLink = Type.Object({
  site: Id,
  state: Type.Enum(['online', 'offline', 'unknown']),
  /** When the gateway last reported (its wall clock, ms); null when it never has. */
  lastSeenMs: Type.Union([Type.Number(), Type.Null()]),
});
export type GatewayLink = Static<typeof GatewayLink>;

const Watermark = Type.Object({ w: Type.Number(), at: Type.Number() });

/** The link of `site` from the watermark key's raw value (null when the key is absent). */
export function gatewayLinkOf(
  site: string,
  raw: string | null,
  wallNowMs: number,
  offlineAfterMs = GATEWAY_OFFLINE_AFTER_MS,
): GatewayLink {
  let parsed: unknown;
  try {
    parsed = raw === null ? undefined : JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Value.Check(Watermark, parsed)) return { site, state: 'unknown', lastSeenMs: null };
  return {
    site,
    state: wallNowMs - parsed.at > offlineAfterMs ? 'offline' : 'online',
    lastSeenMs: parsed.at,
  };
}
