import { readFileSync } from 'node:fs';
import { KinesisClient, Bodies, checkPutRecords } from './dist/bench/lib/client.js';
const [port, pid] = process.argv.slice(2);
const cpu = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const c = new KinesisClient('http://127.0.0.1:' + port, 1);
await c.createStream('p', 1);
const bodies = new Bodies('p', 100).putRecords(500);
let n = 0; let c0 = cpu(); let t = Date.now();
while (Date.now() - t < 5000) { checkPutRecords(await c.send('PutRecords', bodies[n % bodies.length])); n++; }
const wall = (Date.now() - t) / 1000; const used = cpu() - c0;
console.log('PutRecords rec/s', Math.round(n * 500 / wall), 'server cpu µs/record', (used / (n * 500) * 1e6).toFixed(2));
const body = (it) => JSON.stringify({ ShardIterator: it, Limit: 10000 });
let m = 0; c0 = cpu(); t = Date.now();
for (let pass = 0; pass < 3; pass++) {
  let it = (await c.call('GetShardIterator', { StreamName: 'p', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
  for (;;) { const r = await c.send('GetRecords', body(it)); const k = (r.text.match(/"SequenceNumber"/g) || []).length; if (!k) break; m += k; it = /"NextShardIterator":"([^"]+)"/.exec(r.text)[1]; }
}
const used2 = cpu() - c0;
console.log('GetRecords rec/s', Math.round(m / ((Date.now() - t) / 1000)), 'server cpu µs/record', (used2 / m * 1e6).toFixed(2));
await c.close();
