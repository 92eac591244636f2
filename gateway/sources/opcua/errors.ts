/**
 * Why an OPC UA endpoint is not delivering, as a stable code for logs, stats and health.
 * node-opcua reports failures as plain Errors whose message carries the OPC UA StatusCode name,
 * so the codes are derived from those names.
 */
export type OpcuaFailureCode =
  /** Options that cannot work whatever the server does (bad node id, mode/policy mismatch). */
  | 'invalid_configuration'
  /** The server's certificate is not in the trust list (and auto-accept is off). */
  | 'untrusted_server_certificate'
  /** The server's certificate is trusted but unusable: expired, revoked, wrong use. */
  | 'invalid_server_certificate'
  /** The server does not offer the configured security mode and policy, or refused our certificate. */
  | 'security_rejected'
  /** Wrong user name or password, or a user certificate the server does not accept. */
  | 'identity_rejected'
  /** No answer, connection refused or closed: the usual state of a rebooting controller. */
  | 'connection_failed'
  /** Connected, but creating the subscriptions failed. */
  | 'subscription_failed';

export class OpcuaSourceError extends Error {
  readonly code: OpcuaFailureCode;
  readonly endpoint: string;

  constructor(code: OpcuaFailureCode, endpoint: string, message: string, options?: { cause?: unknown }) {
    super(`${endpoint}: ${message}`, options);
    this.name = 'OpcuaSourceError';
    this.code = code;
    this.endpoint = endpoint;
  }
}

const PATTERNS: readonly (readonly [RegExp, OpcuaFailureCode])[] = [
  [/BadCertificateUntrusted|certificate verification failed/i, 'untrusted_server_certificate'],
  [/BadUserAccessDenied|BadIdentityToken|BadUserSignatureInvalid/, 'identity_rejected'],
  [
    /BadSecurityChecksFailed|BadSecurityPolicyRejected|BadSecurityModeRejected|cannot find endpoint/i,
    'security_rejected',
  ],
  [/BadCertificate/, 'invalid_server_certificate'],
];

export function classifyFailure(error: unknown): OpcuaFailureCode {
  if (error instanceof OpcuaSourceError) return error.code;
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, code] of PATTERNS) if (pattern.test(message)) return code;
  return 'connection_failed';
}

/** What an operator can do about a refusal; nothing for failures that pass by themselves. */
export function failureHint(code: OpcuaFailureCode, pkiDir: string): string | undefined {
  switch (code) {
    case 'untrusted_server_certificate':
      return `trust the server certificate: list it in trust.trustedServerCertificates, or move it from ${pkiDir}/rejected to ${pkiDir}/trusted/certs`;
    case 'invalid_server_certificate':
      return 'the server certificate is expired, revoked or not valid for this use; the server needs a new one';
    case 'identity_rejected':
      return 'check the user name and password, or that the server accepts the user certificate';
    case 'security_rejected':
      return `the server refuses this security mode/policy, or has not trusted the gateway certificate ${pkiDir}/own/certs/client_certificate.pem yet`;
    default:
      return undefined;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]?.trim() || error.name : String(error);
}
