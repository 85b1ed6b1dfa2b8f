/**
 * Cluster mode under network partitions (docs/cluster.md, "Failure
 * semantics"): three NATS servers and two Sluice nodes, each in a network
 * namespace of its own on one bridge; partitions made with tc (u32 filters
 * into an HTB class whose queue is `pfifo limit 0`). After each partition is
 * healed, everything acknowledged is audited on every node: 0 lost, 0 changed,
 * the same records everywhere. Every namespace, link and process made here is
 * removed on every exit path.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import * as K from '@aws-sdk/client-kinesis';
import { NatsCluster } from './helpers/nats-cluster.js';
import { namespacesPermitted, NetLab } from './helpers/netns.js';
import { cliPath, testCredentials } from './helpers/sluice.js';

const permitted = namespacesPermitted();
let lab: NetLab | undefined;
let cluster: NatsCluster | undefined;
const sluices: Array<{ name: string; url: string; process: ChildProcess; output: () => string }> = [];

function cleanUp(): void {
  for (const s of sluices) s.process.kill('SIGKILL');
  for (const s of cluster?.servers ?? []) s.process?.kill('SIGKILL');
  lab?.destroy();
}
process.on('exit', cleanUp);

async function startSluiceIn(name: string): Promise<(typeof sluices)[number]> {
  const m = lab!.members.get(name)!;
  const args = [...lab!.exec(name), process.execPath, cliPath, 'start', '--host', m.ip, '--port', '4566', '--auth', 'off', '--insecure',
    '--store', cluster!.storeSpec, '--create-stream-ms', '0', '--delete-stream-ms', '0', '--update-stream-ms', '0'];
  const child = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-50_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-50_000)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice ${name} did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      if (/listening on http/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`sluice ${name} exited with ${code}:\n${out}`)));
  });
  const s = { name, url: `http://${m.ip}:4566`, process: child, output: () => out };
  sluices.push(s);
  return s;
}

const client = (url: string): K.KinesisClient => new K.KinesisClient({ endpoint: url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1, requestHandler: { requestTimeout: 30_000 } as never });

/** A client that retries (as SDKs do by default): for setting up between partitions, while the cluster settles. */
const patient = (url: string): K.KinesisClient => new K.KinesisClient({ endpoint: url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 10 });

/** Creates a stream through a retrying client (a retried create that had landed says ResourceInUse), until it is ACTIVE. */
async function ensureStream(url: string, name: string, shards: number): Promise<void> {
  const c = patient(url);
  try {
    // After a heal JetStream may still be moving leaders: a node whose quorum writes stall for 5 s says
    // it is cut off (503) until they land again, which can outlast the SDK's own retries.
    await waitFor(`${name} created`, () => c.send(new K.CreateStreamCommand({ StreamName: name, ShardCount: shards })).then(() => true, (e: Error) => {
      if (e.name === 'ResourceInUseException') return true;
      if (e.name === 'ServiceUnavailable' || e.name === 'InternalFailure') return undefined;
      throw e;
    }), 60_000);
    await waitFor(`${name} ACTIVE`, async () => ((await c.send(new K.DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!.StreamStatus === 'ACTIVE' ? true : undefined), 60_000);
  } finally {
    c.destroy();
  }
}

/** Both nodes healthy again (the cluster settled after the previous partition). */
async function settled(): Promise<void> {
  for (const s of sluices) await waitFor(`${s.name} healthy`, async () => ((await health(s.url)).status === 200 ? true : undefined), 60_000);
}

async function health(url: string): Promise<{ status: number; body: any; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/_sluice/health`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json(), ms: performance.now() - t0 };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function readAll(c: K.KinesisClient, stream: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const sh of (await c.send(new K.ListShardsCommand({ StreamName: stream }))).Shards!) {
    let it = (await c.send(new K.GetShardIteratorCommand({ StreamName: stream, ShardId: sh.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (;;) {
      const r = await c.send(new K.GetRecordsCommand({ ShardIterator: it! }));
      for (const rec of r.Records!) out.set(`${sh.ShardId}/${rec.SequenceNumber}`, Buffer.from(rec.Data!).toString());
      if (r.Records!.length === 0 || !r.NextShardIterator) break;
      it = r.NextShardIterator;
    }
  }
  return out;
}

/** Writers through the given nodes (whichever answers) until `ms` passed; what was acknowledged. */
async function write(clients: K.KinesisClient[], stream: string, ms: number, tag: string): Promise<{ acked: Map<string, string>; refused: number; slowestRefusalMs: number }> {
  const acked = new Map<string, string>();
  let refused = 0;
  let slowestRefusalMs = 0;
  const until = Date.now() + ms;
  await Promise.all(Array.from({ length: 8 }, async (_x, w) => {
    for (let i = 0; Date.now() < until; i++) {
      const c = clients[(w + i) % clients.length]!;
      const data = `${tag}-${w}-${i}`;
      const t0 = performance.now();
      try {
        const r = await c.send(new K.PutRecordCommand({ StreamName: stream, PartitionKey: `p${w}`, Data: Buffer.from(data) }));
        acked.set(`${r.ShardId}/${r.SequenceNumber}`, data);
      } catch {
        refused++;
        slowestRefusalMs = Math.max(slowestRefusalMs, performance.now() - t0);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }));
  return { acked, refused, slowestRefusalMs };
}

async function auditEverywhere(stream: string, acked: Map<string, string>): Promise<void> {
  const views = await Promise.all(sluices.map((s) => waitFor(`records on ${s.name}`, () => readAll(client(s.url), stream), 60_000)));
  for (const [key, data] of acked) {
    for (const [i, v] of views.entries()) assert.equal(v.get(key), data, `${sluices[i]!.name}: acknowledged record ${key} lost or changed`);
  }
  for (const v of views.slice(1)) assert.deepEqual([...v].sort(), [...views[0]!].sort(), 'every node reads the same records');
}

describe('cluster mode under network partitions (network namespaces + tc)', { skip: permitted.ok ? false : permitted.reason }, () => {
  before(async () => {
    lab = new NetLab();
    for (let i = 1; i <= 3; i++) lab.add(`n${i}`, 10 + i);
    lab.add('s1', 21);
    lab.add('s2', 22);
    cluster = await NatsCluster.start({ size: 3, hosts: ['n1', 'n2', 'n3'].map((n) => lab!.members.get(n)!.ip), wrap: (i) => lab!.exec(`n${i + 1}`) });
    await startSluiceIn('s1');
    await startSluiceIn('s2');
  });

  after(async () => {
    if (process.env['SLUICE_TEST_DUMP']) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(process.env['SLUICE_TEST_DUMP'], sluices.map((s) => `==== ${s.name}\n${s.output()}`).join('\n'));
    }
    cleanUp();
    await cluster?.destroy();
  });

  it('a Sluice node cut off from every NATS server answers 503 quickly, never stale data; it serves again after healing', async (t) => {
    const [s1, s2] = sluices as [(typeof sluices)[number], (typeof sluices)[number]];
    const S1 = client(s1.url);
    const S2 = client(s2.url);
    await settled();
    await ensureStream(s2.url, 'cut-node', 2);
    await waitFor('cut-node on s1', async () => (await S1.send(new K.DescribeStreamSummaryCommand({ StreamName: 'cut-node' }))).StreamDescriptionSummary);
    lab!.split(['s1'], ['n1', 'n2', 'n3']);
    const cutAt = Date.now();
    const unhealthy = await waitFor('s1 health 503', async () => ((await health(s1.url)).status === 503 ? Date.now() - cutAt : undefined), 20_000);
    const during = await write([S2], 'cut-node', 3000, 'cut');
    const t0 = performance.now();
    await assert.rejects(S1.send(new K.PutRecordCommand({ StreamName: 'cut-node', PartitionKey: 'x', Data: Buffer.from('x') })), (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(e.$metadata?.httpStatusCode, 503);
      return true;
    });
    await assert.rejects(S1.send(new K.ListShardsCommand({ StreamName: 'cut-node' })), (e: Error) => /ServiceUnavailable/.test(e.name));
    const refusalMs = performance.now() - t0;
    lab!.healAll();
    await waitFor('s1 healthy again', async () => ((await health(s1.url)).status === 200 ? true : undefined));
    t.diagnostic(`s1 reported itself cut off ${unhealthy} ms after the cut; its two refusals took ${refusalMs.toFixed(0)} ms; s2 acknowledged ${during.acked.size} records meanwhile`);
    assert.ok(refusalMs < 2000);
    assert.ok(during.acked.size > 0);
    await auditEverywhere('cut-node', during.acked);
    S1.destroy();
    S2.destroy();
  });

  it("a shard's JetStream leader isolated: writes go on through the new leader; nothing acknowledged is lost or changed", async (t) => {
    const [s1, s2] = sluices as [(typeof sluices)[number], (typeof sluices)[number]];
    const S1 = client(s1.url);
    const S2 = client(s2.url);
    await settled();
    await ensureStream(s1.url, 'lead', 1);
    await waitFor('lead on s2', async () => (await S2.send(new K.DescribeStreamSummaryCommand({ StreamName: 'lead' }))).StreamDescriptionSummary);
    const before = await write([S1, S2], 'lead', 1500, 'pre');
    // The shard's leader, as JetStream reports it.
    const { connect } = await import('@nats-io/transport-node');
    const nc = await connect({ servers: cluster!.servers.map((s) => s.url) });
    const names = JSON.parse(new TextDecoder().decode((await nc.request('$JS.API.STREAM.NAMES', JSON.stringify({ subject: 'sluice.r.>' }), { timeout: 5000 })).data)).streams as string[];
    const shardStreams = await Promise.all(names.map(async (n) => JSON.parse(new TextDecoder().decode((await nc.request(`$JS.API.STREAM.INFO.${n}`, '', { timeout: 5000 })).data))));
    await nc.close();
    const newest = shardStreams.sort((a, b) => Date.parse(b.created) - Date.parse(a.created))[0];
    const leader = newest.cluster.leader as string;
    assert.match(leader, /^n[123]$/);
    lab!.split([leader], ['n1', 'n2', 'n3', 's1', 's2'].filter((x) => x !== leader));
    const during = await write([S1, S2], 'lead', 12_000, 'iso');
    lab!.healAll();
    const afterHeal = await write([S1, S2], 'lead', 1500, 'post');
    t.diagnostic(`leader ${leader} isolated for 12 s: ${during.acked.size} records acknowledged meanwhile, ${during.refused} refused (slowest refusal ${during.slowestRefusalMs.toFixed(0)} ms)`);
    assert.ok(during.acked.size > 0, 'writes went on after the leader moved');
    await auditEverywhere('lead', new Map([...before.acked, ...during.acked, ...afterHeal.acked]));
    S1.destroy();
    S2.destroy();
  });

  it('a minority/majority split: the minority side answers 503, the majority goes on; after healing every node reads the same records', async (t) => {
    const [s1, s2] = sluices as [(typeof sluices)[number], (typeof sluices)[number]];
    const S1 = client(s1.url);
    const S2 = client(s2.url);
    await settled();
    await ensureStream(s2.url, 'split', 3);
    await waitFor('split on s1', async () => (await S1.send(new K.DescribeStreamSummaryCommand({ StreamName: 'split' }))).StreamDescriptionSummary);
    const before = await write([S1, S2], 'split', 1500, 'pre');
    lab!.split(['n1', 's1'], ['n2', 'n3', 's2']);
    const during = await write([S1, S2], 'split', 12_000, 'mid');
    const minority = await health(s1.url);
    lab!.healAll();
    await waitFor('s1 healthy again', async () => ((await health(s1.url)).status === 200 ? true : undefined));
    const afterHeal = await write([S1, S2], 'split', 1500, 'post');
    t.diagnostic(`split 12 s: ${during.acked.size} acknowledged (majority side), ${during.refused} refused (slowest ${during.slowestRefusalMs.toFixed(0)} ms); minority health during split ${minority.status}`);
    assert.equal(minority.status, 503);
    assert.ok(during.acked.size > 0);
    await auditEverywhere('split', new Map([...before.acked, ...during.acked, ...afterHeal.acked]));
    S1.destroy();
    S2.destroy();
  });
});
