import Type from 'typebox';
import { Value } from 'typebox/value';
import { SESSION_COOKIE } from '../accounts/principal.ts';

export { SESSION_COOKIE } from '../accounts/principal.ts';

/** What a client may put in socket.io's `auth` option; anything else there is ignored. */
const HandshakeAuth = Type.Object({ token: Type.String({ minLength: 1, maxLength: 1024 }) });

const BEARER = /^Bearer ([\x21-\x7E]{1,1024})$/i;

export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Where a token came from: a cookie is sent by the browser on its own, the others are not. */
export type CredentialSource = 'auth' | 'bearer' | 'cookie';

export interface Credential {
  readonly token: string;
  readonly source: CredentialSource;
}

/**
 * The session token of a handshake: `auth.token` (the dashboards pass the token they hold),
 * an `Authorization: Bearer` header (non-browser clients), or the session cookie, in that order.
 */
export function credentialOf(auth: unknown, headers: Headers): Credential | undefined {
  if (Value.Check(HandshakeAuth, auth)) return { token: auth.token, source: 'auth' };
  const authorization = single(headers.authorization);
  const bearer = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (bearer) return { token: bearer, source: 'bearer' };
  const cookie = cookieValue(single(headers.cookie), SESSION_COOKIE);
  if (cookie) return { token: cookie, source: 'cookie' };
  return undefined;
}

/** The first cookie called `name` in a `Cookie` header, URL-decoded; undefined if absent or malformed. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0 || pair.slice(0, equals).trim() !== name) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      return undefined;
    }
    return value.length > 0 && value.length <= 1024 ? value : undefined;
  }
  return undefined;
}

/**
 * Whether a handshake authenticated by cookie may proceed. A browser attaches the cookie to a
 * WebSocket opened by any page, so a page of another site could otherwise read a logged-in
 * user's live feed: the `Origin` must be this server's own (the dashboards are served by the
 * API) or one listed. A handshake without `Origin` does not come from a browser page.
 */
export function cookieOriginAllowed(headers: Headers, allowedOrigins: readonly string[]): boolean {
  const origin = single(headers.origin);
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false; // includes the opaque origin "null"
  }
  return originHost !== '' && originHost === single(headers.host);
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
