/**
 * Shard iterators: an AES-256-GCM sealed position, so a tampered or foreign
 * iterator is detected, with a key kept in the data dir so iterators stay
 * valid across restarts.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface IteratorState {
  readonly streamName: string;
  /** Storage id of the stream, so an iterator dies with its stream. */
  readonly streamId: number;
  readonly shard: number;
  /** Next position to read (inclusive). */
  readonly position: number;
  readonly issuedMs: number;
}

const VERSION = 1;
const IV = 12;
const TAG = 16;
const FIXED = 8 + 4 + 4 + 8;

export class IteratorCodec {
  constructor(private readonly key: Buffer) {}

  encode(s: IteratorState): string {
    const name = Buffer.from(s.streamName, 'utf8');
    const plain = Buffer.allocUnsafe(FIXED + name.length);
    plain.writeDoubleBE(s.issuedMs, 0);
    plain.writeUInt32BE(s.streamId, 8);
    plain.writeUInt32BE(s.shard, 12);
    plain.writeDoubleBE(s.position, 16);
    name.copy(plain, FIXED);
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.of(0, 0, 0, VERSION), iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The state, or undefined when the text is not an iterator this server issued. */
  decode(text: string): IteratorState | undefined {
    // AWS tolerates an iterator still wrapped in the JSON quotes it came in.
    const t = text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
    const raw = Buffer.from(t, 'base64');
    if (raw.length < 4 + IV + TAG + FIXED || raw.readUInt32BE(0) !== VERSION) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(4, 4 + IV));
      decipher.setAuthTag(raw.subarray(4 + IV, 4 + IV + TAG));
      const plain = Buffer.concat([decipher.update(raw.subarray(4 + IV + TAG)), decipher.final()]);
      return {
        issuedMs: plain.readDoubleBE(0),
        streamId: plain.readUInt32BE(8),
        shard: plain.readUInt32BE(12),
        position: plain.readDoubleBE(16),
        streamName: plain.subarray(FIXED).toString('utf8'),
      };
    } catch {
      return undefined;
    }
  }
}

/** Java's Date.toString() in UTC, as AWS prints times in messages: "Thu Jan 22 01:22:02 UTC 2015". */
export function javaDateString(ms: number): string {
  const m = /^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/.exec(new Date(ms).toUTCString())!;
  return `${m[1]} ${m[3]} ${m[2]} ${m[5]} UTC ${m[4]}`;
}
