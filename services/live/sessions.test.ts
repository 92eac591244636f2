import { describe, expect, it } from 'vitest';
import type { Authenticator, Principal } from '../accounts/principal.ts';
import type { SessionEnded } from './messages.ts';
import { recheckSessions, type WatchedSocket } from './sessions.ts';

const operator: Principal = { userId: 'u1', username: 'operator', role: 'operator', sessionId: 's1' };

function socket(token: string, principal: Principal, ended: [string, SessionEnded['code']][]): WatchedSocket {
  return { token, principal, end: (code) => ended.push([token, code]) };
}

describe('the periodic session check', () => {
  it('asks once per session, ends sockets of gone or changed sessions, keeps the rest', async () => {
    const asked: string[] = [];
    const sessions = new Map<string, Principal>([
      ['live', operator],
      ['promoted', { ...operator, userId: 'u2', sessionId: 's2', role: 'facilities_manager' }],
    ]);
    const authenticator: Authenticator = {
      authenticate: async (token) => {
        asked.push(token);
        return sessions.get(token);
      },
    };
    const ended: [string, SessionEnded['code']][] = [];
    const result = await recheckSessions(
      [
        socket('live', operator, ended),
        socket('live', operator, ended),
        socket('revoked', { ...operator, sessionId: 's3' }, ended),
        socket('promoted', { ...operator, userId: 'u2', sessionId: 's2' }, ended),
      ],
      authenticator,
    );
    expect(asked.sort()).toEqual(['live', 'promoted', 'revoked']);
    expect(ended.sort()).toEqual([
      ['promoted', 'principal_changed'],
      ['revoked', 'session_ended'],
    ]);
    expect(result).toEqual({ sessions: 3, ended: 2, unanswered: 0 });
  });

  it('keeps the sockets when the authenticator cannot answer', async () => {
    const ended: [string, SessionEnded['code']][] = [];
    const result = await recheckSessions([socket('t', operator, ended)], {
      authenticate: async () => {
        throw new Error('postgres away');
      },
    });
    expect(ended).toEqual([]);
    expect(result.unanswered).toBe(1);
  });
});
