/**
 * The event-loop guard (issue 14): while each attack runs against a real
 * server process, a well-behaved client's PutRecord, GetRecords and
 * /_sluice/health keep answering in under a second, and the server's memory
 * stays under a stated bound. The attacks are the ones that used to stop
 * every client: a huge CBOR bignum, giant Query lists, millions of tiny JSON
 * values, templates that loop 10^9 times or backtrack catastrophically, a
 * large OpenAPI import.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { spawnSluice, type ChildSluice } from './helpers/sluice.js';

/** What a well-behaved client may wait, at worst, while an attack runs. */
const MAX_LATENCY_MS = 1_000;
/** The server's resident memory bound during any attack. */
const MAX_RSS_MIB = 400;

let server: ChildSluice;

const rssMiB = (): number => {
  const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
};

async function kinesis(action: string, body: object): Promise<any> {
  const res = await fetch(`${server.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** One well-behaved round: write a record, read it back, ask for health. Returns its latency. */
async function wellBehavedRound(): Promise<number> {
  const started = performance.now();
  const put = await kinesis('PutRecord', { StreamName: 'guard', PartitionKey: 'k', Data: Buffer.from('ok').toString('base64') });
  const it = await kinesis('GetShardIterator', { StreamName: 'guard', ShardId: put.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: put.SequenceNumber });
  const got = await kinesis('GetRecords', { ShardIterator: it.ShardIterator, Limit: 1 });
  assert.equal(got.Records.length, 1);
  const health = await fetch(`${server.url}/_sluice/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();
  return performance.now() - started;
}

/** Runs `attack` and, until it ends, well-behaved rounds back to back; returns the worst round and the peak RSS. */
async function whileUnderAttack(attack: () => Promise<unknown>): Promise<{ worstMs: number; peakRssMiB: number; rounds: number }> {
  let done = false;
  let worstMs = 0;
  let peakRssMiB = rssMiB();
  let rounds = 0;
  const running = attack().finally(() => (done = true));
  while (!done || rounds < 3) {
    worstMs = Math.max(worstMs, await wellBehavedRound());
    peakRssMiB = Math.max(peakRssMiB, rssMiB());
    rounds++;
  }
  await running;
  return { worstMs, peakRssMiB, rounds };
}

function check(name: string, r: { worstMs: number; peakRssMiB: number; rounds: number }): void {
  assert.ok(r.worstMs < MAX_LATENCY_MS, `${name}: a well-behaved round took ${r.worstMs.toFixed(0)} ms`);
  assert.ok(r.peakRssMiB < MAX_RSS_MIB, `${name}: the server reached ${r.peakRssMiB.toFixed(0)} MiB`);
}

async function post(path: string, headers: Record<string, string>, body: string | Buffer): Promise<number> {
  try {
    const r = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
    await r.arrayBuffer();
    return r.status;
  } catch (e) {
    throw new Error(`POST ${path} of ${body.length} bytes: ${String((e as { cause?: unknown }).cause ?? e)}`);
  }
}

before(async () => {
  server = await spawnSluice(['--port', '0', '--in-memory', '--create-stream-ms', '0']);
  await kinesis('CreateStream', { StreamName: 'guard', ShardCount: 1 });
});

after(async () => {
  await server.stop();
});

describe('a well-behaved client keeps being served while', () => {
  it('anonymous callers send 256 KiB CBOR bignums', async () => {
    const bignum = Buffer.concat([Buffer.from([0xa1, 0x65, ...Buffer.from('Limit'), 0xc2, 0x5a, 0x00, 0x04, 0x00, 0x00]), Buffer.alloc(256 * 1024, 0xff)]);
    const r = await whileUnderAttack(() => Promise.all(Array.from({ length: 8 }, () =>
      post('/', { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' }, bignum).then((s) => assert.equal(s, 400)))));
    check('bignums', r);
  });

  it('callers send Query lists of thousands of members (STS tags, IAM lists)', async () => {
    const form = (action: string, version: string, n: number): string => {
      const parts = [`Action=${action}`, `Version=${version}`, 'RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fx', 'RoleSessionName=session', 'UserName=u', 'RoleName=r'];
      for (let i = 1; i <= n; i++) parts.push(`Tags.member.${i}.Key=k${i}`, `Tags.member.${i}.Value=v`);
      return parts.join('&');
    };
    const r = await whileUnderAttack(() => Promise.all([
      post('/', { 'content-type': 'application/x-www-form-urlencoded' }, form('AssumeRole', '2011-06-15', 4_000)),
      post('/', { 'content-type': 'application/x-www-form-urlencoded' }, form('TagRole', '2010-05-08', 20_000)),
      post('/', { 'content-type': 'application/x-www-form-urlencoded' }, form('TagUser', '2010-05-08', 100_000)),
    ]));
    check('Query lists', r);
  });

  it('callers send millions of tiny JSON values', async () => {
    const body = `{"StreamName":"guard","Records":[${Array(3_000_000).fill('1').join(',')}]}`;
    const r = await whileUnderAttack(() => Promise.all(Array.from({ length: 3 }, () =>
      post('/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecords' }, body).then((s) => assert.equal(s, 400)))));
    check('tiny JSON values', r);
  });

  it('templates run a 10^9-step loop and catastrophic regular expressions', async () => {
    const mock = (template: string): unknown => ({
      post: {
        'x-amazon-apigateway-integration': {
          type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' },
          responses: { default: { statusCode: '200', responseTemplates: { 'application/json': template } } },
        },
      },
    });
    const definition = JSON.stringify({
      openapi: '3.0.1', info: { title: 'attacks', version: '1' },
      paths: {
        '/loop': mock('#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end'),
        '/regex': mock('#set($s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")$s.matches("(a+)+b") $s.replaceAll("(a|a)*b", "") $input.path(\'$[?(@ =~ /(a*)*b/)]\')'),
      },
    });
    const imported = await fetch(`${server.url}/restapis?mode=import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: definition });
    const api = (await imported.json()) as { id: string };
    await post(`/restapis/${api.id}/deployments`, { 'content-type': 'application/json' }, JSON.stringify({ stageName: 'prod' }));
    const invoke = (path: string): Promise<number> => post(`/restapis/${api.id}/prod/_user_request_${path}`, { 'content-type': 'application/json' }, '["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]');
    const r = await whileUnderAttack(() => Promise.all([
      ...Array.from({ length: 4 }, () => invoke('/loop').then((st) => assert.ok(st === 500 || st === 429, String(st)))),
      ...Array.from({ length: 4 }, () => invoke('/regex').then((st) => assert.ok(st === 500 || st === 429, String(st)))),
    ]));
    check('templates', r);
  });

  it('an OpenAPI definition of 3,000 paths is imported', async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++) {
      paths[`/p${i}/{id}`] = { get: { 'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } } } };
    }
    const definition = JSON.stringify({ openapi: '3.0.1', info: { title: 'big', version: '1' }, paths });
    const r = await whileUnderAttack(() => post('/restapis?mode=import', { 'content-type': 'application/json' }, definition).then((s) => assert.equal(s, 201)));
    check('import', r);
  });
});
