import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonWriter } from '../protocol/json-writer.js';
import { shapeOutput } from '../protocol/shapes.js';
import { kinesisModel } from './model.js';
import { PutResultList, type PutOutcome } from './put-results.js';
import type { ShardMeta } from './streams.js';

const a = { index: 0, createdMs: 1_764_000_000_000 } as ShardMeta;
const b = { index: 17, createdMs: 1_764_000_000_999 } as ShardMeta;

function same(outcomes: PutOutcome[]): void {
  const list = new PutResultList(outcomes);
  const write = jsonWriter(kinesisModel, 'PutRecordsOutput');
  const direct = write({ FailedRecordCount: 1, Records: list }).bytes().toString('utf8');
  const generic = JSON.stringify(shapeOutput(kinesisModel, { shape: 'PutRecordsOutput' }, { FailedRecordCount: 1, Records: list.items() }, 'json'));
  assert.equal(direct, generic);
}

describe('PutRecords results written byte by byte', () => {
  it('match the generic writer, across shards and with refused records anywhere', () => {
    const refused: PutOutcome = { errorCode: 'ProvisionedThroughputExceededException', errorMessage: 'Rate exceeded for shard "shardId-000000000000"' };
    same([{ shard: a, n: 1 }, { shard: b, n: Number.MAX_SAFE_INTEGER }, refused, { shard: a, n: 2 }]);
    same([refused, { shard: a, n: 10 }]);
    same([refused]);
    same([]);
  });
});
