/**
 * The cluster compose example (examples/compose/cluster), checked without a
 * Docker engine (none runs on these machines): its services hang together
 * (three NATS servers forming one JetStream cluster, Sluice nodes naming all
 * of them, a load balancer over every node), its nats.conf is one nats-server
 * accepts, and the start-up it describes works when run directly: three
 * nats-servers from that very file (addresses moved to loopback ports, as the
 * containers' names cannot resolve here) and two Sluice nodes with the
 * services' environment over the image's, started together as Compose starts
 * them, sharing one stream and one bundled API.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as G from '@aws-sdk/client-api-gateway';
import * as K from '@aws-sdk/client-kinesis';
import { parse } from 'yaml';
import { freePort, natsServerBinary, waitForJetStream } from './helpers/nats-cluster.js';
import { repoRoot, spawnSluice, type ChildSluice } from './helpers/sluice.js';
import { spawn, type ChildProcess } from 'node:child_process';

const run = promisify(execFile);
const dir = join(repoRoot, 'examples', 'compose', 'cluster');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: string[];
}
const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const natsServices = services.filter(([, s]) => s.image?.startsWith('nats:'));
const sluiceServices = services.filter(([, s]) => s.build !== undefined);

/** The image's environment, as the Dockerfile's ENV sets it. */
function imageEnv(): Record<string, string> {
  const text = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const finalStage = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of finalStage.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const m of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return env;
}

/** `${NAME:?message}` as Compose expands it from the caller's environment. */
const expand = (value: string, from: Record<string, string>): string =>
  value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_m, name: string) => {
    const v = from[name];
    if (v === undefined) throw new Error(`compose needs ${name}`);
    return v;
  });

describe('the cluster compose example', () => {
  it('three NATS servers of one JetStream cluster, each with its own name, config and volume', () => {
    assert.equal(natsServices.length, 3);
    const names = natsServices.map(([, s]) => s.command![s.command!.indexOf('--server_name') + 1]);
    assert.equal(new Set(names).size, 3, `distinct server names: ${names.join(', ')}`);
    for (const [name, s] of natsServices) {
      assert.deepEqual(s.command!.slice(0, 2), ['--config', '/etc/nats/sluice.conf'], name);
      assert.ok(s.volumes!.includes('./nats.conf:/etc/nats/sluice.conf:ro'), name);
      assert.ok(s.volumes!.some((v) => /^nats-\d:\/data$/.test(v)), `${name} keeps JetStream's files on a volume`);
    }
    const conf = readFileSync(join(dir, 'nats.conf'), 'utf8');
    for (const [name] of natsServices) assert.match(conf, new RegExp(`nats-route://${name}:6222`), `${name} is a route`);
    assert.match(conf, /jetstream: enabled/);
    for (const [name, s] of natsServices) assert.equal(s.command![s.command!.indexOf('--store_dir') + 1], '/data', name);
    const maxPayload = Number(/max_payload: (\d+)/.exec(conf)?.[1]);
    assert.ok(maxPayload >= 2 * 1024 * 1024, 'room for a 1 MiB record and its batch (docs/cluster.md)');
  });

  it('Sluice nodes name every NATS server, ask for 3 replicas and share one root identity; the load balancer covers every node', () => {
    assert.ok(sluiceServices.length >= 2);
    const lb = readFileSync(join(dir, 'haproxy.cfg'), 'utf8');
    for (const [name, s] of sluiceServices) {
      const store = s.environment!['SLUICE_STORE']!;
      assert.deepEqual(store.split(',').sort(), natsServices.map(([n]) => `nats://${n}:4222`).sort(), name);
      assert.equal(s.environment!['SLUICE_REPLICAS'], '3');
      assert.match(s.environment!['SLUICE_ROOT_ACCESS_KEY_ID']!, /^\$\{SLUICE_ROOT_ACCESS_KEY_ID:\?/, 'required, not a default secret');
      assert.match(s.environment!['SLUICE_ROOT_SECRET_ACCESS_KEY']!, /^\$\{SLUICE_ROOT_SECRET_ACCESS_KEY:\?/, 'required, not a default secret');
      assert.match(lb, new RegExp(`server \\w+ ${name}:4566 check`), `${name} is behind the load balancer`);
    }
    assert.match(lb, /mode tcp/, 'HTTP/2 and signatures pass through unchanged');
    assert.match(lb, /httpchk GET \/_sluice\/health/);
  });

  it('nats-server accepts its nats.conf', async () => {
    const { stdout, stderr } = await run(natsServerBinary(), ['-t', '-c', join(dir, 'nats.conf'), '--server_name', 'n1']);
    assert.match(stdout + stderr, /is valid/);
  });

  it('runs as described: three servers from nats.conf and two nodes with the services\' environment share a stream', async () => {
    const data = mkdtempSync(join(tmpdir(), 'sluice-compose-'));
    const servers: ChildProcess[] = [];
    const nodes: ChildSluice[] = [];
    try {
      const ports = await Promise.all(natsServices.map(async () => ({ client: await freePort(), cluster: await freePort() })));
      const routes = ports.map((p) => `nats-route://127.0.0.1:${p.cluster}`).join(',');
      natsServices.forEach(([, s], i) => {
        // The service's own command, with the addresses moved to loopback (flags override the file).
        const args = [...s.command!.map((a) => (a === '/etc/nats/sluice.conf' ? join(dir, 'nats.conf') : a === '/data' ? join(data, `n${i}`) : a)),
          '-a', '127.0.0.1', '-p', String(ports[i]!.client), '-m', '0', '--cluster', `nats://127.0.0.1:${ports[i]!.cluster}`, '--routes', routes];
        servers.push(spawn(natsServerBinary(), args, { stdio: 'ignore' }));
      });
      for (const p of ports) await waitForJetStream(`nats://127.0.0.1:${p.client}`);
      const credentials = { accessKeyId: 'AKIACOMPOSEEXAMPLE01', secretAccessKey: 'compose-example-secret-0123456789abcdefghij' };
      const callerEnv = { SLUICE_ROOT_ACCESS_KEY_ID: credentials.accessKeyId, SLUICE_ROOT_SECRET_ACCESS_KEY: credentials.secretAccessKey };
      // Compose starts every node at once, on a cluster none of them has used yet.
      nodes.push(...await Promise.all(sluiceServices.slice(0, 2).map(async ([, s], i) => {
        const env: Record<string, string> = { ...imageEnv(), SLUICE_DATA_DIR: join(data, `node${i}`) };
        for (const [k, v] of Object.entries(s.environment!)) env[k] = expand(v, callerEnv);
        env['SLUICE_STORE'] = ports.map((p) => `nats://127.0.0.1:${p.client}`).join(',');
        env['SLUICE_HOST'] = '127.0.0.1';
        return spawnSluice(['--port', '0', '--create-stream-ms', '0'], { ...process.env, ...env }, 90_000);
      })));
      const health = (await (await fetch(`${nodes[1]!.url}/_sluice/health`)).json()) as { store?: { store?: string; replicas?: number; nodes?: unknown[] } };
      assert.equal(health.store?.store, 'nats');
      assert.equal(health.store?.replicas, 3);
      assert.equal(health.store?.nodes?.length, 2);
      // Both nodes started on an empty store: the bundled KinesisProxy API is there once.
      for (const n of nodes) {
        const gw = new G.APIGatewayClient({ endpoint: n.url, region: 'us-east-1', credentials });
        const apis = await gw.send(new G.GetRestApisCommand({}));
        gw.destroy();
        assert.deepEqual(apis.items!.map((x) => x.name), ['KinesisProxy']);
      }
      const [a, b] = nodes.map((n) => new K.KinesisClient({ endpoint: n.url, region: 'us-east-1', credentials }));
      try {
        await a!.send(new K.CreateStreamCommand({ StreamName: 'compose', ShardCount: 1 }));
        await b!.send(new K.PutRecordCommand({ StreamName: 'compose', PartitionKey: 'k', Data: Buffer.from('through node 2') }));
        const it = await a!.send(new K.GetShardIteratorCommand({ StreamName: 'compose', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
        const got = await a!.send(new K.GetRecordsCommand({ ShardIterator: it.ShardIterator! }));
        assert.deepEqual(got.Records!.map((r) => Buffer.from(r.Data!).toString()), ['through node 2']);
      } finally {
        a!.destroy();
        b!.destroy();
      }
    } finally {
      await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
      await Promise.all(servers.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : (p.once('exit', r), p.kill('SIGKILL'))))));
      rmSync(data, { recursive: true, force: true });
    }
  });
});
