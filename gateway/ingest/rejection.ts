/**
 * Why a message or value was refused. Codes are stable: they label metrics
 * (`steward_gateway_rejections_total{code}`) and dead-letter entries, and appear in the docs.
 */
export const REJECTION_CODES = [
  'PAYLOAD_TOO_LARGE',
  'PAYLOAD_NOT_JSON',
  'PAYLOAD_SHAPE',
  'VALUE_NOT_FINITE',
  'VALUE_TYPE',
  'VALUE_OUT_OF_LIMITS',
  'UNKNOWN_DEVICE',
  'UNKNOWN_TOPIC',
  'UNKNOWN_POINT',
  'TIMESTAMP_INVALID',
  'TIMESTAMP_IN_FUTURE',
  'TIMESTAMP_TOO_OLD',
  'BAD_QUALITY',
  'PUBLISH_NOT_ALLOWED',
  'SUBSCRIBE_NOT_ALLOWED',
  'AUTH_FAILED',
  'PACKET_TOO_LARGE',
] as const;

export type RejectionCode = (typeof REJECTION_CODES)[number];

/** One refused message or value, as kept in the dead-letter list. */
export interface Rejection {
  readonly code: RejectionCode;
  /** Human-readable detail (English; operators' view). */
  readonly detail: string;
  /** Where it came from: `mqtt:<broker>`, `opcua:<endpoint>`. */
  readonly source: string;
  readonly topic?: string;
  readonly device?: string;
  readonly pointId?: string;
  /** The start of the offending payload, for diagnosis; never the whole of a large one. */
  readonly payloadPreview?: string;
}

const PREVIEW_BYTES = 160;

export function payloadPreview(payload: Uint8Array): string {
  const slice = Buffer.from(payload.buffer, payload.byteOffset, Math.min(payload.length, PREVIEW_BYTES));
  // Control characters would garble logs and terminals; show them as a middle dot.
  const text = [...slice.toString('utf8')].map((c) => (isControl(c) ? '·' : c)).join('');
  return payload.length > PREVIEW_BYTES ? `${text}… (${payload.length} bytes)` : text;
}

function isControl(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f;
}
