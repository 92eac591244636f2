/**
 * What flows through the gateway. A reading is one value of one registry point at one instant,
 * already converted into the point's canonical unit.
 */

/** OPC UA-style quality. `bad` values never reach the store; they are rejected with a code. */
export type Quality = 'good' | 'uncertain';

export interface Reading {
  /** Registry point id, `<equipment id>.<key>`. */
  readonly pointId: string;
  /** Milliseconds since the Unix epoch (source timestamp, or gateway time by policy). */
  readonly ts: number;
  /** Value in the point's canonical unit; booleans are 0/1, multistate values their code. */
  readonly value: number;
  readonly quality: Quality;
}

/** A value as a source delivered it, before the registry and normalisation have seen it. */
export interface RawValue {
  readonly pointId: string;
  readonly value: unknown;
  /** Source timestamp in ms, when the source gave one. */
  readonly sourceTs?: number;
  readonly quality?: Quality | 'bad';
}
