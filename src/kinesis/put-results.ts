/**
 * PutRecords' per-record results, written to JSON byte by byte (sequence
 * number digits and shard ids straight into the answer) rather than as 500
 * objects and 1,000 strings; plain objects for the other encoders.
 */
import { ListView } from '../protocol/list-view.js';
import type { ByteSink } from '../protocol/json-writer.js';
import type { ShardMeta } from './streams.js';
import { shardId } from './streams.js';
import { ascii, positionInto, prefixOf, put, sequenceOf } from './stored-records.js';

/** One record's outcome: its position in `shard`, or the reason it was refused. */
export type PutOutcome = { readonly shard: ShardMeta; readonly n: number } | { readonly errorCode: string; readonly errorMessage: string };

const OPEN = ascii('{"SequenceNumber":"');
const BEFORE_SHARD = ascii('","ShardId":"');
const CLOSE = ascii('"}');
const RESULT_BYTES = 128;

export class PutResultList extends ListView<Record<string, unknown>> {
  constructor(readonly outcomes: readonly PutOutcome[]) {
    super();
  }

  get length(): number {
    return this.outcomes.length;
  }

  items(): Array<Record<string, unknown>> {
    return this.outcomes.map((o) => ('errorCode' in o
      ? { ErrorCode: o.errorCode, ErrorMessage: o.errorMessage }
      : { SequenceNumber: sequenceOf(o.shard, o.n), ShardId: shardId(o.shard) }));
  }

  writeJson(sink: ByteSink): void {
    let buf = sink.room(1);
    buf[sink.pos++] = 0x5b;
    let shard: ShardMeta | undefined;
    let prefix = OPEN;
    let id = OPEN;
    for (let i = 0; i < this.outcomes.length; i++) {
      const o = this.outcomes[i]!;
      if ('errorCode' in o) {
        sink.s((i === 0 ? '' : ',') + JSON.stringify({ ErrorCode: o.errorCode, ErrorMessage: o.errorMessage }));
        continue;
      }
      if (o.shard !== shard) {
        shard = o.shard;
        prefix = prefixOf(shard).bytes;
        id = ascii(shardId(shard));
      }
      buf = sink.room(RESULT_BYTES);
      let at = sink.pos;
      if (i > 0) buf[at++] = 0x2c;
      at = put(buf, at, OPEN);
      at = put(buf, at, prefix);
      at = positionInto(o.n, buf, at);
      at = put(buf, at, BEFORE_SHARD);
      at = put(buf, at, id);
      at = put(buf, at, CLOSE);
      sink.pos = at;
    }
    buf = sink.room(1);
    buf[sink.pos++] = 0x5d;
  }
}
