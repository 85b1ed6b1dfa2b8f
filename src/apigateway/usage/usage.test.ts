import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv } from './csv.js';
import { daysBetween, periodStart } from './periods.js';
import { SqliteStore } from '../../store/sqlite.js';
import { UsageStore } from './store.js';
import { TokenBuckets } from './throttle.js';
import type { Charges, UsageExchange } from '../../store/usage-exchange.js';

test('quota periods start on the day their offset names', () => {
  // 2024-05-15 is a Wednesday.
  assert.equal(periodStart('2024-05-15', { period: 'DAY', offset: 0 }), '2024-05-15');
  assert.equal(periodStart('2024-05-15', { period: 'WEEK', offset: 0 }), '2024-05-12'); // Sunday
  assert.equal(periodStart('2024-05-15', { period: 'WEEK', offset: 1 }), '2024-05-13'); // Monday
  assert.equal(periodStart('2024-05-15', { period: 'WEEK', offset: 3 }), '2024-05-15'); // Wednesday itself
  assert.equal(periodStart('2024-05-15', { period: 'WEEK', offset: 4 }), '2024-05-09'); // the Thursday before
  assert.equal(periodStart('2024-05-15', { period: 'MONTH', offset: 0 }), '2024-05-01');
  assert.equal(periodStart('2024-05-15', { period: 'MONTH', offset: 14 }), '2024-05-15');
  assert.equal(periodStart('2024-05-15', { period: 'MONTH', offset: 20 }), '2024-04-21');
  assert.equal(periodStart('2024-01-05', { period: 'MONTH', offset: 9 }), '2023-12-10');
  assert.deepEqual(daysBetween('2024-02-28', '2024-03-01'), ['2024-02-28', '2024-02-29', '2024-03-01']);
  assert.deepEqual(daysBetween('2024-03-01', '2024-02-28'), []);
  assert.deepEqual(daysBetween('2024-02-30', '2024-03-01'), []);
});

test('API key files: quoted cells with either quote, commas inside, CRLF, doubled quotes', () => {
  assert.deepEqual(parseCsv('Name,Key\r\na,b\r\n'), [['Name', 'Key'], ['a', 'b']]);
  assert.deepEqual(parseCsv(`Enabled,Name,key,UsageplanIds\ntrue,MyFirstApiKey,apikey1234abcdefghij0123456789,"c7y23b,glvrsr"`), [
    ['Enabled', 'Name', 'key', 'UsageplanIds'],
    ['true', 'MyFirstApiKey', 'apikey1234abcdefghij0123456789', 'c7y23b,glvrsr'],
  ]);
  assert.deepEqual(parseCsv(`a,'b,c',"say ""hi"""\n`), [['a', 'b,c', 'say "hi"']]);
  assert.deepEqual(parseCsv('\uFEFFx'), [['x']]);
});

test('token buckets of two nodes: the tokens one node took are taken from the other\'s buckets once shared', async () => {
  const listeners = new Map<string, (c: Charges) => void>();
  let shared: () => void = () => undefined;
  const sent = new Promise<void>((r) => (shared = r));
  const exchange = (node: string): UsageExchange => ({
    shared: true,
    share(charges) {
      for (const [other, apply] of listeners) if (other !== node) apply(charges);
      shared();
    },
    onShared(apply) {
      listeners.set(node, apply);
      return () => listeners.delete(node);
    },
  });
  const now = 0;
  const a = new TokenBuckets(() => now, exchange('a'));
  const b = new TokenBuckets(() => now, exchange('b'));
  for (let i = 0; i < 4; i++) assert.equal(a.take('key/k', 1, 5), true);
  const keepAlive = setTimeout(() => undefined, 5000); // the share timer does not hold the process
  await sent;
  clearTimeout(keepAlive);
  assert.equal(b.take('key/k', 1, 5), true, 'one token of the burst left for the cluster');
  assert.equal(b.take('key/k', 1, 5), false);
  assert.equal(b.take('key/other', 1, 5), true, 'other keys are untouched');
  a.close();
  b.close();
});

test('token buckets: burst at once, then the refill rate', () => {
  let now = 0;
  const buckets = new TokenBuckets(() => now);
  assert.equal(buckets.take('k', 2, 3), true);
  assert.equal(buckets.take('k', 2, 3), true);
  assert.equal(buckets.take('k', 2, 3), true);
  assert.equal(buckets.take('k', 2, 3), false);
  now = 499;
  assert.equal(buckets.take('k', 2, 3), false);
  now = 500;
  assert.equal(buckets.take('k', 2, 3), true);
  now = 100_000;
  for (let i = 0; i < 3; i++) assert.equal(buckets.take('k', 2, 3), true, 'refilled to the burst, no more');
  assert.equal(buckets.take('k', 2, 3), false);
  // Other settings, another bucket; burst 0 takes nothing.
  assert.equal(buckets.take('k', 2, 4), true);
  assert.equal(buckets.take('z', 100, 0), false);
});

test('a quota counted by two nodes at once admits exactly its limit, and counts every request', async () => {
  const shared = new SqliteStore(undefined);
  const nodes = [new UsageStore(shared), new UsageStore(shared)];
  const quota = { limit: 10, offset: 0, period: 'DAY' as const };
  const now = Date.parse('2026-12-04T12:00:00Z');
  // 30 requests at once, alternating nodes: each node queues its own, the two race on the store.
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => nodes[i % 2]!.count('plan', 'key', quota, now)));
  assert.equal(answers.filter((a) => a.allowed).length, 10);
  assert.deepEqual(answers.filter((a) => a.allowed).map((a) => (a as { remaining: number }).remaining).sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(await nodes[1]!.daily('plan', 'key', '2026-12-04'), { used: 10, remaining: 0 });
  await shared.close();
});
