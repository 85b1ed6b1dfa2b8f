/**
 * Cluster mode (docs/cluster.md): a 3-server NATS JetStream cluster on
 * loopback ports and Sluice nodes as child processes with --store nats://...,
 * driven through real clients (SDK v3, the AWS CLI, boto3). Every process and
 * directory made here is removed on every exit path (after hooks, and a
 * process exit hook for the child processes).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as K from '@aws-sdk/client-kinesis';
import { IAMClient, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import * as G from '@aws-sdk/client-api-gateway';
import { NatsCluster } from './helpers/nats-cluster.js';
import { awsEnv, spawnSluice, testCredentials, type ChildSluice } from './helpers/sluice.js';

const run = promisify(execFile);
let cluster: NatsCluster | undefined;
const nodes: ChildSluice[] = [];
const live = new Set<ChildSluice>();
process.on('exit', () => {
  for (const n of live) n.process.kill('SIGKILL');
  for (const s of cluster?.servers ?? []) s.process?.kill('SIGKILL');
});

const nodeArgs = (): string[] => ['--port', '0', '--store', cluster!.storeSpec, '--create-stream-ms', '0', '--delete-stream-ms', '0', '--update-stream-ms', '1000'];

async function startNode(startTimeoutMs = 90_000): Promise<ChildSluice> {
  const n = await spawnSluice(nodeArgs(), process.env, startTimeoutMs);
  live.add(n);
  everyNode.push(n);
  n.process.once('exit', () => live.delete(n));
  return n;
}

const kinesis = (n: ChildSluice, maxAttempts = 1): K.KinesisClient =>
  new K.KinesisClient({ endpoint: n.url, region: 'us-east-1', credentials: testCredentials, maxAttempts });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every record of a stream, read through `client` (all shards, from the start). */
async function readAll(client: K.KinesisClient, stream: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const shards = (await client.send(new K.ListShardsCommand({ StreamName: stream }))).Shards!;
  for (const sh of shards) {
    let it = (await client.send(new K.GetShardIteratorCommand({ StreamName: stream, ShardId: sh.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (;;) {
      const r = await client.send(new K.GetRecordsCommand({ ShardIterator: it! }));
      for (const rec of r.Records!) out.set(`${sh.ShardId}/${rec.SequenceNumber}`, Buffer.from(rec.Data!).toString());
      if (r.Records!.length === 0 && r.MillisBehindLatest === 0) break;
      if (!r.NextShardIterator) break;
      it = r.NextShardIterator;
    }
  }
  return out;
}

/**
 * 16 writers putting records with PutRecord through `targets` (the first that
 * answers; the next when one fails), until `stop` resolves. Returns what was
 * acknowledged: key shard/sequence → data.
 */
async function writers(targets: () => K.KinesisClient[], stream: string, stop: Promise<void>, tag: string): Promise<{ acked: Map<string, string>; failures: number }> {
  const acked = new Map<string, string>();
  let failures = 0;
  let stopped = false;
  void stop.then(() => (stopped = true));
  await Promise.all(Array.from({ length: 16 }, async (_x, w) => {
    for (let i = 0; !stopped; i++) {
      const data = `${tag}-${w}-${i}-${createHash('sha256').update(`${tag}${w}${i}`).digest('hex').slice(0, 16)}`;
      let done = false;
      for (let attempt = 0; !done && !stopped; attempt++) {
        const list = targets();
        const c = list[(w + attempt) % list.length]!;
        try {
          const r = await c.send(new K.PutRecordCommand({ StreamName: stream, PartitionKey: `w${w}`, Data: Buffer.from(data) }));
          acked.set(`${r.ShardId}/${r.SequenceNumber}`, data);
          done = true;
        } catch {
          failures++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
  }));
  return { acked, failures };
}

function audit(acked: Map<string, string>, stored: Map<string, string>): { lost: number; corrupted: number } {
  let lost = 0;
  let corrupted = 0;
  for (const [key, data] of acked) {
    const got = stored.get(key);
    if (got === undefined) lost++;
    else if (got !== data) corrupted++;
  }
  return { lost, corrupted };
}

before(async () => {
  cluster = await NatsCluster.start({ size: 3 });
  nodes.push(await startNode(), await startNode());
});

const everyNode: ChildSluice[] = [];
after(async () => {
  if (process.env['SLUICE_TEST_DUMP']) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(process.env['SLUICE_TEST_DUMP'], everyNode.map((n) => `==== ${n.url}\n${n.output()}`).join('\n') + cluster!.servers.map((s) => `==== ${s.name}\n${s.output}`).join('\n'));
  }
  await Promise.all([...live].map((n) => n.stop('SIGKILL')));
  await cluster?.destroy();
});

describe('cluster mode over a 3-server NATS JetStream cluster', () => {
  it('health names the store, the node, the servers and JetStream reachability', async () => {
    const h = await (await fetch(`${nodes[0]!.url}/_sluice/health`)).json() as any;
    assert.equal(h.status, 'ok');
    assert.equal(h.store.store, 'nats');
    assert.match(h.store.node, /./);
    assert.equal(h.store.replicas, 3);
    assert.equal(h.store.jetstream.reachable, true);
    assert.ok(h.store.servers.known.length >= 3, JSON.stringify(h.store.servers));
    await waitFor('both nodes in health', async () => ((await (await fetch(`${nodes[1]!.url}/_sluice/health`)).json() as any).store.nodes.length >= 2 ? true : undefined));
  });

  it('what is created on one node is used on another (SDK, AWS CLI, boto3), within a measured delay', async (t) => {
    const [a, b] = nodes as [ChildSluice, ChildSluice];
    const A = kinesis(a);
    const B = kinesis(b);
    // Propagation: a stream created on A, until B lists it.
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      await A.send(new K.CreateStreamCommand({ StreamName: `prop-${i}`, ShardCount: 1 }));
      const t0 = performance.now();
      await waitFor('B to see the stream', async () => ((await B.send(new K.DescribeStreamSummaryCommand({ StreamName: `prop-${i}` }))).StreamDescriptionSummary ? true : undefined));
      delays.push(performance.now() - t0);
    }
    t.diagnostic(`create on A -> visible on B: median ${median(delays).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms (polling every 20 ms)`);
    assert.ok(Math.max(...delays) < 1000, `propagation ${Math.max(...delays)} ms`);

    // Records put on A with the SDK, read on B with the AWS CLI; an iterator from A read on B.
    await A.send(new K.CreateStreamCommand({ StreamName: 'shared', ShardCount: 2 }));
    const put = await A.send(new K.PutRecordsCommand({ StreamName: 'shared', Records: Array.from({ length: 500 }, (_x, i) => ({ Data: Buffer.from(`r${i}`), PartitionKey: `k${i}` })) }));
    assert.equal(put.FailedRecordCount, 0);
    const perShard = new Set(put.Records!.map((r) => r.ShardId));
    assert.equal(perShard.size, 2);
    const aws = async (url: string, ...args: string[]): Promise<any> =>
      JSON.parse((await run('aws', ['--endpoint-url', url, '--output', 'json', 'kinesis', ...args], { env: awsEnv(url) })).stdout);
    const first = put.Records![0]!;
    const it = await aws(a.url, 'get-shard-iterator', '--stream-name', 'shared', '--shard-id', first.ShardId!, '--shard-iterator-type', 'AT_SEQUENCE_NUMBER', '--starting-sequence-number', first.SequenceNumber!);
    const got = await aws(b.url, 'get-records', '--shard-iterator', it.ShardIterator);
    assert.equal(got.Records[0].SequenceNumber, first.SequenceNumber);
    assert.equal(Buffer.from(got.Records[0].Data, 'base64').toString(), 'r0');
    const all = await readAll(B, 'shared');
    assert.equal(all.size, 500);
    // Sequence numbers keep AWS's shape and grow per shard whoever wrote them.
    const bPut = await B.send(new K.PutRecordCommand({ StreamName: 'shared', PartitionKey: 'k0', Data: Buffer.from('from-b') }));
    assert.match(bPut.SequenceNumber!, /^\d{56}$/);
    const sameShard = put.Records!.filter((r) => r.ShardId === bPut.ShardId).map((r) => BigInt(r.SequenceNumber!));
    assert.ok(sameShard.every((s) => s < BigInt(bPut.SequenceNumber!)));

    // IAM: a user created on A with boto3 is read on B with the SDK.
    await run('python3', ['-c', "import boto3,os; boto3.client('iam', endpoint_url=os.environ['AWS_ENDPOINT_URL']).create_user(UserName='alice')"], { env: awsEnv(a.url) });
    const iamB = new IAMClient({ endpoint: b.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    const user = await waitFor('alice on B', async () => (await iamB.send(new GetUserCommand({ UserName: 'alice' }))).User);
    assert.equal(user.UserName, 'alice');
    iamB.destroy();
    A.destroy();
    B.destroy();
  });

  it('API Gateway on two nodes: the bundled example imported once; simultaneous CreateStage of one name: one ConflictException; simultaneous UpdateStage of different fields: both kept; CreateApiKey of one value: one wins', async (t) => {
    const [a, b] = nodes as [ChildSluice, ChildSluice];
    const gw = (n: ChildSluice): G.APIGatewayClient => new G.APIGatewayClient({ endpoint: n.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    const A = gw(a);
    const B = gw(b);
    const outcome = (rs: PromiseSettledResult<unknown>[]): string => JSON.stringify(rs.map((r) => (r.status === 'rejected' ? `${(r.reason as Error).name}: ${(r.reason as Error).message}` : 'ok')));
    // One copy of the bundled example, whichever node is asked.
    for (const client of [A, B]) {
      const proxies = ((await client.send(new G.GetRestApisCommand({}))).items ?? []).filter((x) => x.name === 'KinesisProxy');
      assert.equal(proxies.length, 1, JSON.stringify(proxies.map((x) => x.id)));
    }
    const api = ((await A.send(new G.GetRestApisCommand({}))).items ?? []).find((x) => x.name === 'KinesisProxy')!;
    const deploymentId = (await A.send(new G.GetDeploymentsCommand({ restApiId: api.id! }))).items![0]!.id!;

    const ROUNDS = 10;
    const createMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const stageName = `race${round}`;
      const t0 = performance.now();
      const rs = await Promise.allSettled([
        A.send(new G.CreateStageCommand({ restApiId: api.id!, stageName, deploymentId, description: 'from A' })),
        B.send(new G.CreateStageCommand({ restApiId: api.id!, stageName, deploymentId, description: 'from B' })),
      ]);
      createMs.push(performance.now() - t0);
      assert.equal(rs.filter((r) => r.status === 'fulfilled').length, 1, `CreateStage round ${round}: ${outcome(rs)}`);
      const lost = rs.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((lost.reason as Error).name, 'ConflictException', outcome(rs));
      assert.equal((lost.reason as Error).message, 'Stage already exists');
    }

    const updateMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const stageName = `race${round}`;
      const t0 = performance.now();
      const rs = await Promise.allSettled([
        A.send(new G.UpdateStageCommand({ restApiId: api.id!, stageName, patchOperations: [{ op: 'replace', path: '/description', value: `description ${round}` }] })),
        B.send(new G.UpdateStageCommand({ restApiId: api.id!, stageName, patchOperations: [{ op: 'replace', path: '/variables/color', value: `color${round}` }] })),
      ]);
      updateMs.push(performance.now() - t0);
      assert.equal(rs.filter((r) => r.status === 'fulfilled').length, 2, `UpdateStage round ${round}: ${outcome(rs)}`);
      // Reads are served from each node's watch-fed copy, which may be a moment behind: wait for both
      // changes on both nodes (a lost update would never arrive).
      for (const client of [A, B]) {
        const stage = await waitFor(`round ${round}: both changes on ${client === A ? 'A' : 'B'}`, async () => {
          const s = await client.send(new G.GetStageCommand({ restApiId: api.id!, stageName }));
          return s.description === `description ${round}` && s.variables?.['color'] === `color${round}` ? s : undefined;
        });
        assert.deepEqual(stage.variables, { color: `color${round}` });
      }
    }

    const keyMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const value = `cluster-race-value-${round}-${createHash('sha256').update(String(Date.now())).digest('hex').slice(0, 12)}`;
      const t0 = performance.now();
      const rs = await Promise.allSettled([
        A.send(new G.CreateApiKeyCommand({ name: `a${round}`, value })),
        B.send(new G.CreateApiKeyCommand({ name: `b${round}`, value })),
      ]);
      keyMs.push(performance.now() - t0);
      assert.equal(rs.filter((r) => r.status === 'fulfilled').length, 1, `CreateApiKey round ${round}: ${outcome(rs)}`);
      const lost = rs.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal((lost.reason as Error).name, 'ConflictException', outcome(rs));
      assert.equal((lost.reason as Error).message, 'API Key already exists');
      const winner = (rs.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<G.CreateApiKeyCommandOutput>).value;
      for (const client of [A, B]) {
        // Once this node has the winner's key, no other key has the value (the loser's, created first, is deleted).
        const holders = await waitFor(`round ${round}: the key on ${client === A ? 'A' : 'B'}`, async () => {
          const ks = ((await client.send(new G.GetApiKeysCommand({ includeValues: true, limit: 500 }))).items ?? []).filter((k) => k.value === value);
          return ks.length === 1 && ks[0]!.id === winner.id ? ks : undefined;
        });
        assert.deepEqual(holders.map((k) => k.id), [winner.id], `round ${round}: one key has the value`);
      }
    }
    t.diagnostic(`${ROUNDS} rounds each, both calls sent at once: CreateStage pair median ${median(createMs).toFixed(1)} ms (max ${Math.max(...createMs).toFixed(1)}), ` +
      `UpdateStage pair median ${median(updateMs).toFixed(1)} ms (max ${Math.max(...updateMs).toFixed(1)}), CreateApiKey pair median ${median(keyMs).toFixed(1)} ms (max ${Math.max(...keyMs).toFixed(1)})`);
    A.destroy();
    B.destroy();
  });

  it('two simultaneous CreateStream (and CreateUser) of one name on two nodes: exactly one succeeds, the other gets ResourceInUseException (EntityAlreadyExists)', async () => {
    const [a, b] = nodes as [ChildSluice, ChildSluice];
    const A = kinesis(a);
    const B = kinesis(b);
    for (let round = 0; round < 10; round++) {
      const name = `race-${round}`;
      const results = await Promise.allSettled([
        A.send(new K.CreateStreamCommand({ StreamName: name, ShardCount: 1 })),
        B.send(new K.CreateStreamCommand({ StreamName: name, ShardCount: 1 })),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const inUse = results.filter((r) => r.status === 'rejected' && (r.reason as Error).name === 'ResourceInUseException').length;
      assert.equal(ok, 1, `round ${round}: ${JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')))}`);
      assert.equal(inUse, 1);
    }
    // IAM too: two CreateUser of one name on two nodes.
    const iamA = new IAMClient({ endpoint: a.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    const iamB = new IAMClient({ endpoint: b.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    for (let round = 0; round < 5; round++) {
      const users = await Promise.allSettled([
        iamA.send(new CreateUserCommand({ UserName: `racer-${round}` })),
        iamB.send(new CreateUserCommand({ UserName: `racer-${round}` })),
      ]);
      assert.equal(users.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(users.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
      assert.equal((users.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.name, 'EntityAlreadyExistsException');
    }
    iamA.destroy();
    iamB.destroy();
    // Two UpdateShardCount calls on two nodes: one wins, the other gets AWS's error.
    await A.send(new K.CreateStreamCommand({ StreamName: 'scale-race', ShardCount: 2 }));
    await waitFor('scale-race on B', async () => (await B.send(new K.DescribeStreamSummaryCommand({ StreamName: 'scale-race' }))).StreamDescriptionSummary);
    const scaled = await Promise.allSettled([
      A.send(new K.UpdateShardCountCommand({ StreamName: 'scale-race', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' })),
      B.send(new K.UpdateShardCountCommand({ StreamName: 'scale-race', TargetShardCount: 3, ScalingType: 'UNIFORM_SCALING' })),
    ]);
    const winners = scaled.filter((r) => r.status === 'fulfilled').length;
    assert.equal(winners, 1, JSON.stringify(scaled.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
    const loser = scaled.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((loser.reason as Error).name, 'ResourceInUseException');
    const target = scaled[0]!.status === 'fulfilled' ? 4 : 3;
    const summary = await waitFor('the reshard to finish', async () => {
      const s = (await B.send(new K.DescribeStreamSummaryCommand({ StreamName: 'scale-race' }))).StreamDescriptionSummary!;
      return s.StreamStatus === 'ACTIVE' ? s : undefined;
    });
    assert.equal(summary.OpenShardCount, target);
    A.destroy();
    B.destroy();
  });

  it('the KinesisProxy API invoked on node A puts records that node B reads', async () => {
    const [a, b] = nodes as [ChildSluice, ChildSluice];
    const health = await (await fetch(`${a.url}/_sluice/health`)).json() as any;
    const api = health.apis.find((x: any) => x.name === 'KinesisProxy');
    assert.ok(api, JSON.stringify(health.apis));
    const B = kinesis(b);
    await B.send(new K.CreateStreamCommand({ StreamName: 'proxied', ShardCount: 1 }));
    const base = `${a.url}/restapis/${api.id}/${api.stage}/_user_request_`;
    await waitFor('proxied visible on A', async () => ((await fetch(`${base}/streams/proxied`)).status === 200 ? true : undefined));
    const res = await fetch(`${base}/streams/proxied/record`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Data: 'via-proxy', PartitionKey: 'p' }) });
    assert.equal(res.status, 200, await res.text());
    const all = await readAll(B, 'proxied');
    assert.deepEqual([...all.values()], ['"via-proxy"']);
    B.destroy();
  });

  it('SubscribeToShard on node B pushes records put through node A as they arrive', async (t) => {
    const [a, b] = nodes as [ChildSluice, ChildSluice];
    const A = kinesis(a);
    const B = kinesis(b);
    await A.send(new K.CreateStreamCommand({ StreamName: 'pushed', ShardCount: 1 }));
    const arn = (await A.send(new K.DescribeStreamSummaryCommand({ StreamName: 'pushed' }))).StreamDescriptionSummary!.StreamARN!;
    const consumer = (await A.send(new K.RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'c1' }))).Consumer!;
    const sub = await waitFor('subscription on B', async () => B.send(new K.SubscribeToShardCommand({ ConsumerARN: consumer.ConsumerARN!, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } })));
    const latencies: number[] = [];
    const sentAt = new Map<string, number>();
    const putter = (async () => {
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 20; i++) {
        sentAt.set(`m${i}`, performance.now());
        await A.send(new K.PutRecordCommand({ StreamName: 'pushed', PartitionKey: 'k', Data: Buffer.from(`m${i}`) }));
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const seen: string[] = [];
    for await (const event of sub.EventStream!) {
      const e = event.SubscribeToShardEvent;
      if (!e) continue;
      for (const r of e.Records ?? []) {
        const d = Buffer.from(r.Data!).toString();
        seen.push(d);
        latencies.push(performance.now() - sentAt.get(d)!);
      }
      if (seen.length >= 20) break;
    }
    await putter;
    assert.deepEqual(seen, Array.from({ length: 20 }, (_x, i) => `m${i}`));
    t.diagnostic(`put on A -> delivered on B (SubscribeToShard): median ${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    assert.ok(median(latencies) < 1000);
    A.destroy();
    B.destroy();
  });

  it('kill -9 of a Sluice node under 16 writers: 0 acknowledged records lost, 0 corrupted', async (t) => {
    const c = await startNode();
    const [, b] = nodes as [ChildSluice, ChildSluice];
    const C = kinesis(c);
    const B = kinesis(b);
    await C.send(new K.CreateStreamCommand({ StreamName: 'crash-node', ShardCount: 4 }));
    await waitFor('crash-node on B', async () => (await B.send(new K.DescribeStreamSummaryCommand({ StreamName: 'crash-node' }))).StreamDescriptionSummary);
    let cAlive = true;
    const stop = new Promise<void>((r) => setTimeout(r, 4000));
    const writing = writers(() => (cAlive ? [C, B] : [B]), 'crash-node', stop, 'n');
    await new Promise((r) => setTimeout(r, 1500));
    await c.stop('SIGKILL');
    cAlive = false;
    const { acked, failures } = await writing;
    const stored = await readAll(B, 'crash-node');
    const { lost, corrupted } = audit(acked, stored);
    t.diagnostic(`acknowledged ${acked.size}, failed attempts ${failures}, stored ${stored.size}, lost ${lost}, corrupted ${corrupted}`);
    assert.ok(acked.size > 100, `only ${acked.size} acknowledged`);
    assert.equal(lost, 0);
    assert.equal(corrupted, 0);
    C.destroy();
    B.destroy();
  });

  it('kill -9 of one NATS server under load: writes go on after the leaders move, 0 acknowledged records lost', async (t) => {
    const [a, b] = nodes as [ChildSluice, ChildSluice];
    const A = kinesis(a);
    const B = kinesis(b);
    await A.send(new K.CreateStreamCommand({ StreamName: 'crash-nats', ShardCount: 3 }));
    await waitFor('crash-nats on B', async () => (await B.send(new K.DescribeStreamSummaryCommand({ StreamName: 'crash-nats' }))).StreamDescriptionSummary);
    const stop = new Promise<void>((r) => setTimeout(r, 16_000));
    const writing = writers(() => [A, B], 'crash-nats', stop, 's');
    await new Promise((r) => setTimeout(r, 1500));
    const before = Date.now();
    await cluster!.kill(0, 'SIGKILL');
    const { acked, failures } = await writing;
    const afterKill = [...acked.keys()].length;
    await cluster!.restart(0);
    const stored = await waitFor('reads after the kill', async () => readAll(B, 'crash-nats'), 30_000);
    const { lost, corrupted } = audit(acked, stored);
    t.diagnostic(`killed a NATS server ${((Date.now() - before) / 1000).toFixed(1)} s before the audit; acknowledged ${afterKill}, failed attempts ${failures}, lost ${lost}, corrupted ${corrupted}`);
    assert.equal(lost, 0);
    assert.equal(corrupted, 0);
    // Writes go on after the leaders moved.
    const late = await waitFor('a write after the kill', async () => A.send(new K.PutRecordCommand({ StreamName: 'crash-nats', PartitionKey: 'late', Data: Buffer.from('late') })), 30_000);
    assert.match(late.SequenceNumber!, /^\d{56}$/);
    await cluster!.waitReady();
    A.destroy();
    B.destroy();
  });

  it('the whole cluster stopped and started again: everything is still there', { timeout: 400_000 }, async () => {
    const A0 = kinesis(nodes[0]!);
    const before = await readAll(A0, 'shared');
    const streams = (await A0.send(new K.ListStreamsCommand({}))).StreamNames!;
    A0.destroy();
    await Promise.all(nodes.map((n) => n.stop('SIGTERM')));
    await cluster!.stop();
    for (let i = 0; i < cluster!.servers.length; i++) await cluster!.restart(i);
    await cluster!.waitReady();
    // JetStream answers before every stream has elected its leader again; Sluice waits for its bucket itself.
    nodes.splice(0, nodes.length, await startNode(180_000), await startNode(180_000));
    const B = kinesis(nodes[1]!, 5);
    assert.deepEqual((await B.send(new K.ListStreamsCommand({}))).StreamNames, streams);
    const afterRestart = await waitFor('records after restart', async () => readAll(B, 'shared'), 30_000);
    assert.deepEqual([...afterRestart].sort(), [...before].sort());
    const iamB = new IAMClient({ endpoint: nodes[1]!.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    assert.equal((await iamB.send(new GetUserCommand({ UserName: 'alice' }))).User!.UserName, 'alice');
    iamB.destroy();
    B.destroy();
  });
});

