import { describe, expect, it } from 'vitest';
import { cookieOriginAllowed, cookieValue, credentialOf, SESSION_COOKIE } from './handshake.ts';

describe('the session token of a handshake', () => {
  it('is taken from auth.token first, then a bearer header, then the session cookie', () => {
    const headers = { authorization: 'Bearer from-header', cookie: `${SESSION_COOKIE}=from-cookie` };
    expect(credentialOf({ token: 'from-auth' }, headers)).toEqual({ token: 'from-auth', source: 'auth' });
    expect(credentialOf({}, headers)).toEqual({ token: 'from-header', source: 'bearer' });
    expect(credentialOf(undefined, { cookie: headers.cookie })).toEqual({
      token: 'from-cookie',
      source: 'cookie',
    });
  });

  it('is absent when nothing usable is offered', () => {
    expect(credentialOf({ token: '' }, {})).toBeUndefined();
    expect(credentialOf({ token: 42 }, {})).toBeUndefined();
    expect(credentialOf({ token: 'x'.repeat(1025) }, {})).toBeUndefined();
    expect(credentialOf({}, { authorization: 'Basic dXNlcjpwYXNz' })).toBeUndefined();
    expect(credentialOf({}, { cookie: 'other=1; steward_sessionx=2' })).toBeUndefined();
  });

  it('reads the cookie among others, quoted or URL-encoded, and refuses a malformed one', () => {
    expect(cookieValue('a=1; steward_session=abc%2Bdef; b=2', SESSION_COOKIE)).toBe('abc+def');
    expect(cookieValue('steward_session="quoted"', SESSION_COOKIE)).toBe('quoted');
    expect(cookieValue('steward_session=%E0%A4%A', SESSION_COOKIE)).toBeUndefined();
    expect(cookieValue('steward_session=', SESSION_COOKIE)).toBeUndefined();
  });
});

describe('the origin of a cookie-authenticated handshake', () => {
  it('must be the server itself or a listed origin; no Origin means no browser page', () => {
    const host = 'steward.example.gov.cn';
    expect(cookieOriginAllowed({ host, origin: `https://${host}` }, [])).toBe(true);
    expect(cookieOriginAllowed({ host }, [])).toBe(true);
    expect(cookieOriginAllowed({ host, origin: 'https://evil.example.com' }, [])).toBe(false);
    expect(cookieOriginAllowed({ host, origin: 'null' }, [])).toBe(false);
    expect(cookieOriginAllowed({ host, origin: 'http://localhost:5173' }, ['http://localhost:5173'])).toBe(
      true,
    );
  });
});
