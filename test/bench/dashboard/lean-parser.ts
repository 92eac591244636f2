import { EventEmitter } from 'node:events';

/**
 * A socket.io-parser stand-in for the bench's clients (socket.io-client's `parser` option), wire
 * compatible with the server's default parser for what the live server sends: text packets of
 * the main namespace, no binary, no acknowledgements. It differs in one thing only: the payload of
 * `live:values` and `live:snapshot` is not JSON-parsed; the client gets its size and the number
 * of values in it (occurrences of `"p":`) instead. Thousands of clients in one process then cost
 * little more than the WebSocket frames, so the clients' process does not compete with the server
 * under test for the machine's two cores. Every other packet (handshake, `ready`, incidents, work
 * orders) is parsed in full.
 */

const CONNECT = 0;
const DISCONNECT = 1;
const EVENT = 2;
const CONNECT_ERROR = 4;

/** What a client's `live:values` / `live:snapshot` handler receives instead of the batch. */
export interface BatchShape {
  readonly chars: number;
  readonly values: number;
}

const UNPARSED = new Set(['live:values', 'live:snapshot']);

function countValues(text: string): number {
  let count = 0;
  for (let at = text.indexOf('"p":'); at !== -1; at = text.indexOf('"p":', at + 4)) count++;
  return count;
}

interface Packet {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

export class Encoder {
  /** The client sends CONNECT (with the auth payload) and DISCONNECT, on `/` only. */
  encode(packet: Packet): string[] {
    if (packet.nsp !== '/') throw new Error(`lean parser: namespace ${packet.nsp} not supported`);
    if (packet.type === CONNECT) return [`0${packet.data === undefined ? '' : JSON.stringify(packet.data)}`];
    if (packet.type === DISCONNECT) return ['1'];
    throw new Error(`lean parser: clients send no packet of type ${packet.type}`);
  }
}

export class Decoder extends EventEmitter {
  add(data: unknown): void {
    if (typeof data !== 'string') throw new Error('lean parser: binary packets not expected');
    const type = data.charCodeAt(0) - 48;
    // The main namespace is implicit (no `/nsp,` prefix); no acknowledgement ids are used.
    const rest = data.slice(1);
    if (rest.startsWith('/')) throw new Error('lean parser: only the main namespace is expected');
    const packet: Packet = { type, nsp: '/' };
    if (type === EVENT) {
      const end = rest.indexOf('"', 2);
      const name = end > 2 && rest.startsWith('["') ? rest.slice(2, end) : '';
      packet.data = UNPARSED.has(name)
        ? [name, { chars: rest.length, values: countValues(rest) } satisfies BatchShape]
        : JSON.parse(rest);
    } else if (type === CONNECT || type === CONNECT_ERROR) {
      packet.data = rest === '' ? undefined : JSON.parse(rest);
    } else if (type !== DISCONNECT) {
      throw new Error(`lean parser: unexpected packet type ${type}`);
    }
    this.emit('decoded', packet);
  }

  destroy(): void {
    this.removeAllListeners();
  }
}
