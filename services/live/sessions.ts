import type { Authenticator, Principal } from '../accounts/principal.ts';
import type { SessionEnded } from './messages.ts';

/** A connected socket as the session check sees it. */
export interface WatchedSocket {
  readonly token: string;
  readonly principal: Principal;
  /** Tells the client why and disconnects it (it does not reconnect by itself). */
  end(code: SessionEnded['code']): void;
}

export interface SessionCheckResult {
  /** Distinct sessions asked about. */
  readonly sessions: number;
  /** Sockets disconnected because their session ended or now names someone else. */
  readonly ended: number;
  /** Sessions the authenticator could not answer for; their sockets stay until the next check. */
  readonly unanswered: number;
}

/**
 * Asks the authenticator again about every session that holds a socket, once per session
 * however many sockets (tabs, screens) share it, a few at a time. A session that is gone ends
 * its sockets; one whose principal changed (role, vendor) ends them too, since rooms were chosen
 * for the old one and the client must reconnect to get the right ones.
 */
export async function recheckSessions(
  sockets: Iterable<WatchedSocket>,
  authenticator: Authenticator,
  concurrency = 8,
): Promise<SessionCheckResult> {
  const byToken = new Map<string, WatchedSocket[]>();
  for (const socket of sockets) {
    const group = byToken.get(socket.token);
    if (group) group.push(socket);
    else byToken.set(socket.token, [socket]);
  }
  const queue = [...byToken];
  let ended = 0;
  let unanswered = 0;
  const worker = async (): Promise<void> => {
    for (let next = queue.pop(); next; next = queue.pop()) {
      const [token, group] = next;
      let current: Principal | undefined;
      try {
        current = await authenticator.authenticate(token);
      } catch {
        unanswered++;
        continue;
      }
      for (const socket of group) {
        const code =
          current === undefined
            ? 'session_ended'
            : samePrincipal(socket.principal, current)
              ? undefined
              : 'principal_changed';
        if (code === undefined) continue;
        socket.end(code);
        ended++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
  return { sessions: byToken.size, ended, unanswered };
}

export function samePrincipal(a: Principal, b: Principal): boolean {
  return (
    a.userId === b.userId && a.sessionId === b.sessionId && a.role === b.role && a.vendorId === b.vendorId
  );
}
