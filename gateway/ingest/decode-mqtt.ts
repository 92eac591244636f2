import type { PointIndex } from './point-index.ts';
import type { RawValue } from './reading.ts';
import type { Rejection, RejectionCode } from './rejection.ts';
import { payloadPreview } from './rejection.ts';

/**
 * MQTT payload decoding (documented in gateway/README.md, "Payloads"):
 * - per-point topic `devices/<device>/points/<key>`: `{"ts": …, "value": …}` or a bare value;
 * - per-device batch `devices/<device>/readings`: `{"ts": …, "readings": {"<key>": value | {"value", "ts"}}}`;
 * - on a site broker, topics bound in the configuration, whole payload or JSON fields.
 * `ts` is epoch milliseconds (numbers below 1e11 are taken as seconds) or an ISO 8601 string with
 * a zone. Everything else is rejected with a code. Pure: no I/O, no clock.
 */

export interface Decoded {
  readonly values: RawValue[];
  readonly rejections: Rejection[];
}

export interface DecodeOptions {
  readonly index: PointIndex;
  readonly maxPayloadBytes: number;
}

export const DEVICE_TOPIC_ROOT = 'devices';

/** Which device a topic belongs to, or undefined when it is outside `devices/<device>/…`. */
export function deviceOfTopic(topic: string): string | undefined {
  if (!topic.startsWith(`${DEVICE_TOPIC_ROOT}/`)) return undefined;
  const end = topic.indexOf('/', DEVICE_TOPIC_ROOT.length + 1);
  return end < 0 ? undefined : topic.slice(DEVICE_TOPIC_ROOT.length + 1, end);
}

/** Decodes a message a device published on the embedded broker under its own prefix. */
export function decodeDeviceMessage(
  device: string,
  topic: string,
  payload: Buffer,
  options: DecodeOptions,
): Decoded {
  const source = 'mqtt:embedded';
  const reject = (code: RejectionCode, detail: string, pointId?: string): Decoded => ({
    values: [],
    rejections: [
      {
        code,
        detail,
        source,
        topic,
        device,
        payloadPreview: payloadPreview(payload),
        ...(pointId ? { pointId } : {}),
      },
    ],
  });
  const known = options.index.device(device);
  if (!known) return reject('UNKNOWN_DEVICE', `device ${device} is not in the registry`);
  if (payload.length > options.maxPayloadBytes) {
    return reject(
      'PAYLOAD_TOO_LARGE',
      `payload of ${payload.length} bytes exceeds ${options.maxPayloadBytes}`,
    );
  }
  const rest = topic.slice(DEVICE_TOPIC_ROOT.length + device.length + 2);

  if (rest.startsWith('points/')) {
    const key = rest.slice('points/'.length);
    const point = known.points.get(key);
    if (!point) return reject('UNKNOWN_POINT', `device ${device} has no point ${key}`);
    const parsed = parseSingle(payload);
    if ('code' in parsed) return reject(parsed.code, parsed.detail, point.id);
    return { values: [{ pointId: point.id, value: parsed.value, ...optionalTs(parsed.ts) }], rejections: [] };
  }

  if (rest === 'readings') {
    const json = parseJson(payload);
    if ('code' in json) return reject(json.code, json.detail);
    if (!isRecord(json.value) || !isRecord(json.value.readings)) {
      return reject('PAYLOAD_SHAPE', 'a batch is {"ts": …, "readings": {"<point key>": value}}');
    }
    const entries = Object.entries(json.value.readings);
    if (entries.length === 0) return reject('PAYLOAD_SHAPE', 'a batch needs at least one reading');
    const batchTs = parseTs(json.value.ts);
    if (batchTs === INVALID)
      return reject('TIMESTAMP_INVALID', 'ts must be epoch milliseconds or ISO 8601 with a zone');
    const values: RawValue[] = [];
    const rejections: Rejection[] = [];
    for (const [key, entry] of entries) {
      const point = known.points.get(key);
      if (!point) {
        rejections.push({
          code: 'UNKNOWN_POINT',
          detail: `device ${device} has no point ${key}`,
          source,
          topic,
          device,
        });
        continue;
      }
      let value: unknown = entry;
      let ts = batchTs;
      if (isRecord(entry)) {
        value = entry.value;
        const own = parseTs(entry.ts);
        if (own === INVALID) {
          rejections.push({
            code: 'TIMESTAMP_INVALID',
            detail: `invalid ts for ${key}`,
            source,
            topic,
            device,
            pointId: point.id,
          });
          continue;
        }
        ts = own ?? batchTs;
      }
      values.push({ pointId: point.id, value, ...optionalTs(ts) });
    }
    return { values, rejections };
  }
  return reject(
    'UNKNOWN_TOPIC',
    `devices publish on ${DEVICE_TOPIC_ROOT}/<device>/points/<key> or …/readings`,
  );
}

/** Decodes a message from a site broker on a topic bound in the configuration. */
export function decodeBoundMessage(
  broker: string,
  topic: string,
  payload: Buffer,
  options: DecodeOptions,
): Decoded {
  const source = `mqtt:${broker}`;
  const reject = (code: RejectionCode, detail: string): Decoded => ({
    values: [],
    rejections: [{ code, detail, source, topic, payloadPreview: payloadPreview(payload) }],
  });
  const fields = options.index.topic(broker, topic);
  if (!fields) return reject('UNKNOWN_TOPIC', `no point is bound to ${topic} on ${broker}`);
  if (payload.length > options.maxPayloadBytes) {
    return reject(
      'PAYLOAD_TOO_LARGE',
      `payload of ${payload.length} bytes exceeds ${options.maxPayloadBytes}`,
    );
  }
  const whole = fields.get('');
  if (whole && fields.size === 1) {
    const parsed = parseSingle(payload);
    if ('code' in parsed) return reject(parsed.code, parsed.detail);
    return { values: [{ pointId: whole.id, value: parsed.value, ...optionalTs(parsed.ts) }], rejections: [] };
  }
  const json = parseJson(payload);
  if ('code' in json) return reject(json.code, json.detail);
  if (!isRecord(json.value)) return reject('PAYLOAD_SHAPE', 'expected a JSON object with the bound fields');
  const ts = parseTs(json.value.ts);
  if (ts === INVALID)
    return reject('TIMESTAMP_INVALID', 'ts must be epoch milliseconds or ISO 8601 with a zone');
  const values: RawValue[] = [];
  const rejections: Rejection[] = [];
  for (const [field, point] of fields) {
    const value = field === '' ? undefined : json.value[field];
    if (value === undefined) {
      rejections.push({
        code: 'PAYLOAD_SHAPE',
        detail: `field ${field} is missing`,
        source,
        topic,
        pointId: point.id,
      });
      continue;
    }
    values.push({ pointId: point.id, value, ...optionalTs(ts) });
  }
  return { values, rejections };
}

type Failure = { readonly code: RejectionCode; readonly detail: string };

const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const NON_FINITE_TEXT = /^[-+]?(nan|inf|infinity)$/i;

/** `{"ts","value"}`, a JSON scalar, or bare text holding a number or true/false. */
function parseSingle(payload: Buffer): { value: unknown; ts: number | undefined } | Failure {
  const text = payload.toString('utf8').trim();
  if (text === '') return { code: 'PAYLOAD_SHAPE', detail: 'empty payload' };
  if (NUMBER_TEXT.test(text)) return { value: Number(text), ts: undefined };
  if (NON_FINITE_TEXT.test(text))
    return { code: 'VALUE_NOT_FINITE', detail: `${text} is not a finite number` };
  const json = parseJson(payload);
  if ('code' in json) return json;
  if (typeof json.value === 'boolean') return { value: json.value, ts: undefined };
  if (!isRecord(json.value) || !('value' in json.value)) {
    return { code: 'PAYLOAD_SHAPE', detail: 'expected {"ts": …, "value": …} or a bare number' };
  }
  const ts = parseTs(json.value.ts);
  if (ts === INVALID)
    return { code: 'TIMESTAMP_INVALID', detail: 'ts must be epoch milliseconds or ISO 8601 with a zone' };
  return { value: json.value.value, ts };
}

function parseJson(payload: Buffer): { value: unknown } | Failure {
  try {
    return { value: JSON.parse(payload.toString('utf8')) as unknown };
  } catch {
    return { code: 'PAYLOAD_NOT_JSON', detail: 'payload is not valid JSON' };
  }
}

const INVALID = Symbol('invalid timestamp');
/** Epoch seconds end here (year 5138); larger numbers are milliseconds. */
const SECONDS_LIMIT = 1e11;
/** The largest instant a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseTs(ts: unknown): number | undefined | typeof INVALID {
  if (ts === undefined || ts === null) return undefined;
  if (typeof ts === 'number') {
    if (!Number.isFinite(ts) || ts <= 0) return INVALID;
    const ms = ts < SECONDS_LIMIT ? ts * 1000 : ts;
    return ms > MAX_DATE_MS ? INVALID : ms;
  }
  if (typeof ts === 'string' && ISO_WITH_ZONE.test(ts)) {
    const ms = Date.parse(ts);
    return Number.isNaN(ms) ? INVALID : ms;
  }
  return INVALID;
}

const optionalTs = (ts: number | undefined): { sourceTs?: number } =>
  ts === undefined ? {} : { sourceTs: ts };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
