/**
 * Watches the MQTT fixed headers on a connection's byte stream and reports the first packet
 * whose announced length exceeds the limit, so the connection can be dropped before the broker
 * buffers a huge packet. (aedes and mqtt-packet have no packet-size limit of their own.)
 */
export class FrameMeter {
  readonly #maxPacketBytes: number;
  /** Bytes of the current packet's body still to skip. */
  #skip = 0;
  /** Parsing the remaining-length varint: value so far and multiplier; -1 when not in a header. */
  #length = -1;
  #multiplier = 1;
  #lengthBytes = 0;

  constructor(maxPacketBytes: number) {
    this.#maxPacketBytes = maxPacketBytes;
  }

  /** Feeds bytes; returns the offending length (or Infinity for a malformed header) once exceeded. */
  feed(chunk: Uint8Array): number | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const take = Math.min(this.#skip, chunk.length - i);
        this.#skip -= take;
        i += take;
        continue;
      }
      const byte = chunk[i++] ?? 0;
      if (this.#length < 0) {
        // The packet-type byte; the remaining-length varint follows.
        this.#length = 0;
        this.#multiplier = 1;
        this.#lengthBytes = 0;
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes++;
      if (byte & 0x80) {
        if (this.#lengthBytes >= 4) return Number.POSITIVE_INFINITY;
        continue;
      }
      if (this.#length > this.#maxPacketBytes) return this.#length;
      this.#skip = this.#length;
      this.#length = -1;
    }
    return undefined;
  }
}
