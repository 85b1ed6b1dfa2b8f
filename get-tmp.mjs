import { KinesisClient } from './dist/bench/lib/client.js';
const c = new KinesisClient('http://127.0.0.1:4620', 1);
let m = 0; const t = Date.now();
while (Date.now() - t < 6000) {
  let it = (await c.call('GetShardIterator', { StreamName: 'p', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
  for (;;) { const r = await c.send('GetRecords', JSON.stringify({ ShardIterator: it, Limit: 10000 })); const nx = /"NextShardIterator":"([^"]+)"/.exec(r.text); if (r.text.length < 200) break; m += 10000; it = nx[1]; }
}
console.log('GetRecords ~rec/s', Math.round(m / ((Date.now() - t) / 1000)));
await c.close();
