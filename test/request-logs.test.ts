/**
 * Sluice's own log: --log-requests writes one record per request (service,
 * operation or API route, status, latency, AWS error code), in text or JSON;
 * --log-level filters; at debug a failed API Gateway invocation writes its
 * execution log. Driven through the SDK, the AWS CLI and `sluice start`.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import * as K from '@aws-sdk/client-kinesis';
import { startSluice, type Sluice } from '../src/server/app.js';
import { defaultConfig, type SluiceConfig } from '../src/server/config.js';
import type { LogRecord } from '../src/server/logger.js';
import { createLoggingApi } from './helpers/logging-api.js';
import { awsEnv, cliPath, testCredentials } from './helpers/sluice.js';

const run = promisify(execFile);

interface Served {
  readonly sluice: Sluice;
  readonly lines: string[];
  readonly records: LogRecord[];
}

async function serve(over: Partial<SluiceConfig>): Promise<Served> {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const sluice = await startSluice(
    { ...defaultConfig, port: 0, dataDir: undefined, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, ...over },
    { log: (line, record) => { lines.push(line); records.push(record); } },
  );
  return { sluice, lines, records };
}

const kinesisOf = (url: string): K.KinesisClient => new K.KinesisClient({ endpoint: url, region: 'us-east-1', credentials: testCredentials });
const ofType = (s: Served, type: string): LogRecord[] => s.records.filter((r) => r.type === type);

describe('--log-requests, text format', () => {
  let s: Served;
  let kinesis: K.KinesisClient;
  before(async () => {
    s = await serve({ logRequests: true });
    kinesis = kinesisOf(s.sluice.url);
  });
  after(async () => {
    kinesis.destroy();
    await s.sluice.close();
  });

  it('writes a line per Kinesis call with its request id, operation, status, latency and error code', async () => {
    const created = await kinesis.send(new K.CreateStreamCommand({ StreamName: 'logged', ShardCount: 1 }));
    const failed = await kinesis.send(new K.DescribeStreamCommand({ StreamName: 'absent' })).catch((e: K.ResourceNotFoundException) => e);
    assert.ok(failed instanceof K.ResourceNotFoundException);

    const [ok, bad] = ofType(s, 'request').slice(-2);
    assert.deepEqual({ ...ok, time: undefined, latencyMs: undefined }, {
      time: undefined, level: 'info', type: 'request', requestId: created.$metadata.requestId,
      service: 'kinesis', operation: 'CreateStream', method: 'POST', path: '/', status: 200, latencyMs: undefined,
    });
    assert.equal(bad!.requestId, failed.$metadata.requestId);
    assert.equal(bad!.operation, 'DescribeStream');
    assert.equal(bad!.status, 400);
    assert.equal(bad!.errorType, 'ResourceNotFoundException');
    assert.equal(typeof bad!.latencyMs, 'number');
    assert.ok((bad!.latencyMs as number) >= 0);

    // Text: time, level, the request id, service, operation, status, latency, error code.
    const line = s.lines.find((l) => l.includes(failed.$metadata.requestId!))!;
    assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO request ${failed.$metadata.requestId} kinesis DescribeStream 400 \\d+(\\.\\d)?ms ResourceNotFoundException$`));
  });

  it('names the Query operation and its XML error code for IAM and STS calls made with the AWS CLI', async () => {
    await assert.rejects(run('aws', ['iam', 'get-user', '--user-name', 'nobody'], { env: awsEnv(s.sluice.url) }), /NoSuchEntity/);
    const who = JSON.parse((await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env: awsEnv(s.sluice.url) })).stdout);
    assert.ok(who.Arn);
    const [iam, sts] = ofType(s, 'request').slice(-2);
    assert.deepEqual([iam!.service, iam!.operation, iam!.status, iam!.errorType], ['iam', 'GetUser', 404, 'NoSuchEntity']);
    assert.deepEqual([sts!.service, sts!.operation, sts!.status, sts!.errorType], ['sts', 'GetCallerIdentity', 200, undefined]);
  });

  it('gives an API Gateway invocation its API id, stage and route', async () => {
    const [api] = s.sluice.deployedApis();
    const res = await fetch(`${api!.invokeUrl}/streams`);
    await res.arrayBuffer();
    const missing = await fetch(`${api!.invokeUrl}/no/such/route`);
    await missing.arrayBuffer();
    const [hit, miss] = ofType(s, 'request').slice(-2);
    assert.deepEqual([hit!.service, hit!.apiId, hit!.stage, hit!.route, hit!.status, hit!.requestId], ['execute-api', api!.id, 'test', 'GET /streams', 200, res.headers.get('x-amzn-requestid')]);
    assert.equal(hit!.operation, undefined);
    // No route matched: the record has the path instead, and AWS's error type.
    assert.deepEqual([miss!.route, miss!.status, miss!.errorType], [undefined, 403, 'MissingAuthenticationTokenException']);
    assert.match(s.lines.at(-1)!, new RegExp(` execute-api ${api!.id}/test "GET /restapis/${api!.id}/test/_user_request_/no/such/route" 403 `));
    assert.match(s.lines.at(-2)!, new RegExp(` execute-api ${api!.id}/test "GET /streams" 200 `));
  });

  it('names management operations from the REST-JSON route', async () => {
    const r = JSON.parse((await run('aws', ['apigateway', 'get-rest-apis', '--output', 'json'], { env: awsEnv(s.sluice.url) })).stdout);
    assert.ok(r.items.length >= 1);
    const last = ofType(s, 'request').at(-1)!;
    assert.deepEqual([last.service, last.operation, last.status], ['apigateway', 'GetRestApis', 200]);
  });
});

describe('--log-format json', () => {
  it('writes one JSON object a line, every line, start-up messages included', async () => {
    const s = await serve({ logRequests: true, logFormat: 'json' });
    const kinesis = kinesisOf(s.sluice.url);
    try {
      await kinesis.send(new K.ListStreamsCommand({}));
      assert.ok(s.lines.length > 1);
      for (const line of s.lines) {
        assert.ok(!line.includes('\n'), 'one line');
        const parsed = JSON.parse(line) as LogRecord;
        assert.match(parsed.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.ok(['error', 'warn', 'info', 'debug'].includes(parsed.level));
        assert.equal(typeof parsed.type, 'string');
      }
      const deployed = s.lines.map((l) => JSON.parse(l)).find((r) => String(r.msg).startsWith('apigateway: deployed KinesisProxy'));
      assert.deepEqual([deployed.type, deployed.level], ['log', 'info']);
      const request = JSON.parse(s.lines.at(-1)!);
      assert.deepEqual([request.type, request.service, request.operation, request.status], ['request', 'kinesis', 'ListStreams', 200]);
    } finally {
      kinesis.destroy();
      await s.sluice.close();
    }
  });
});

describe('--log-level', () => {
  it('warn keeps out info records, request lines included; without --log-requests there are none at any level', async () => {
    const quiet = await serve({ logRequests: true, logLevel: 'warn' });
    const kinesis = kinesisOf(quiet.sluice.url);
    try {
      await kinesis.send(new K.ListStreamsCommand({}));
      assert.deepEqual(quiet.records.filter((r) => r.level === 'info' || r.level === 'debug'), []);
      assert.deepEqual(ofType(quiet, 'request'), []);
    } finally {
      kinesis.destroy();
      await quiet.sluice.close();
    }
    const unlogged = await serve({ logLevel: 'debug' });
    const k2 = kinesisOf(unlogged.sluice.url);
    try {
      await k2.send(new K.ListStreamsCommand({}));
      assert.ok(unlogged.records.some((r) => r.level === 'info'), 'start-up messages are info');
      assert.deepEqual(ofType(unlogged, 'request'), []);
    } finally {
      k2.destroy();
      await unlogged.sluice.close();
    }
  });

  it('debug writes the execution log of a failed invocation, as TestInvokeMethod returns it; info does not', async () => {
    for (const logLevel of ['debug', 'info'] as const) {
      const s = await serve({ logLevel });
      const client = new APIGatewayClient({ endpoint: s.sluice.url, region: 'us-east-1', credentials: testCredentials });
      try {
        const apiId = await createLoggingApi(client);
        const ok = await fetch(`${s.sluice.url}/restapis/${apiId}/test/_user_request_/ok`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        assert.equal(ok.status, 200);
        const down = await fetch(`${s.sluice.url}/restapis/${apiId}/test/_user_request_/down`);
        assert.equal(down.status, 502);
        assert.deepEqual(await down.json(), { message: 'Internal server error' });
        const requestId = down.headers.get('x-amzn-requestid')!;
        const executions = ofType(s, 'execution');
        if (logLevel === 'info') {
          assert.deepEqual(executions, []);
          continue;
        }
        // Only the failed one, with every line TestInvokeMethod's log has.
        assert.equal(executions.length, 1);
        const [rec] = executions;
        assert.deepEqual([rec!.level, rec!.requestId, rec!.apiId, rec!.stage, rec!.route, rec!.status], ['debug', requestId, apiId, 'test', 'GET /down', 502]);
        const logged = s.sluice.apiGateway.executionLogs({ apiId, limit: 1 })[0]!.log;
        assert.equal(s.lines.at(-1), logged.trimEnd());
        const messages = (rec!.lines as string[]).map((l) => l.slice(l.indexOf(' : ') + 3));
        assert.equal(messages[0], `Starting execution for request: ${requestId}`);
        // At debug every line is there, the data ones (headers, bodies) included.
        assert.ok(messages.some((m) => m.startsWith('Method request headers: ')), messages.join('\n'));
        assert.ok(messages.includes(`Endpoint request URI: ${messages.find((m) => m.startsWith('Endpoint request URI: '))!.slice(22)}`));
        assert.ok(messages.some((m) => /^Execution failed due to a network error: /.test(m)), messages.join('\n'));
        assert.equal(messages.at(-1), 'Method completed with status: 502');
      } finally {
        client.destroy();
        await s.sluice.close();
      }
    }
  });
});

describe('sluice start --log-format json --log-requests', () => {
  it('prints the banner as a startup record on stdout and every other record as JSON on stderr', async () => {
    const child = spawn(process.execPath, [cliPath, 'start', '--in-memory', '--port', '0', '--log-format', 'json', '--log-requests'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const banner = await new Promise<Record<string, any>>((resolve, reject) => {
        child.stdout!.on('data', (d) => {
          out += d;
          const first = out.split('\n')[0]!;
          if (out.includes('\n')) resolve(JSON.parse(first));
        });
        child.on('exit', (code) => reject(new Error(`sluice exited with ${code}: ${out}${err}`)));
      });
      assert.deepEqual([banner.type, banner.level], ['startup', 'info']);
      assert.match(banner.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(banner.msg, /^Sluice \S+ listening on http:\/\/127\.0\.0\.1:\d+\n  endpoint for AWS clients: /);
      assert.equal(banner.apis[0].name, 'KinesisProxy');
      const listed = JSON.parse((await run('aws', ['kinesis', 'list-streams', '--output', 'json'], { env: awsEnv(banner.url) })).stdout);
      assert.deepEqual(listed.StreamNames, []);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      const records = err.trim().split('\n').map((l) => JSON.parse(l));
      const request = records.find((r) => r.type === 'request');
      assert.deepEqual([request.service, request.operation, request.status], ['kinesis', 'ListStreams', 200]);
      assert.ok(records.some((r) => r.type === 'log' && r.msg === 'SIGTERM: finishing in-flight requests and closing storage'));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
