/**
 * Stage logging as API Gateway has it, set up with the AWS CLI and boto3:
 * accessLogSettings.format rendered for every invocation (AWS's documented
 * CLF, JSON, XML and CSV examples, the error and integration variables),
 * written to the server log or --access-log; the method settings' logging
 * level and data trace deciding which execution logs are written; detailed
 * (per-method) metrics only where metricsEnabled is on.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { startSluice, type Sluice } from '../src/server/app.js';
import { defaultConfig, type SluiceConfig } from '../src/server/config.js';
import type { LogRecord } from '../src/server/logger.js';
import { setCloudWatchRole } from './helpers/cloudwatch-role.js';
import { createLoggingApi } from './helpers/logging-api.js';
import { awsEnv, tempDir, testCredentials } from './helpers/sluice.js';
import { awsMethodSetting } from './helpers/method-settings.js';

const run = promisify(execFile);

// AWS's example formats (developer guide, "CloudWatch log formats for API Gateway"), each on the one line AWS requires.
const CLF = '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId';
const JSON_FORMAT = '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }';
const XML = '<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>';
const CSV = '$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId';

const CLF_TIME = /^(\d\d)\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(\d{4}):(\d\d):(\d\d):(\d\d) \+0000$/;

/** A CLF time as epoch milliseconds. */
function clfToMs(t: string): number {
  const m = CLF_TIME.exec(t);
  assert.ok(m, `CLF time: ${t}`);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[2]!);
  return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

interface Served {
  readonly sluice: Sluice;
  readonly records: LogRecord[];
  readonly client: APIGatewayClient;
  readonly apiId: string;
}

async function serve(over: Partial<SluiceConfig> = {}): Promise<Served> {
  const records: LogRecord[] = [];
  const sluice = await startSluice(
    { ...defaultConfig, port: 0, dataDir: undefined, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, ...over },
    { log: (_line, record) => records.push(record) },
  );
  const client = new APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials });
  const apiId = await createLoggingApi(client);
  // Stages may log once the account has its CloudWatch role, as on AWS.
  await setCloudWatchRole(sluice.url);
  return { sluice, records, client, apiId };
}

async function close(s: Served): Promise<void> {
  s.client.destroy();
  await s.sluice.close();
}

/** `aws apigateway update-stage` with the patch operations given as JSON, as a shell user writes them. */
async function updateStage(s: Served, ...ops: Array<{ op: string; path: string; value?: string }>): Promise<any> {
  const { stdout } = await run('aws', ['apigateway', 'update-stage', '--rest-api-id', s.apiId, '--stage-name', 'test', '--patch-operations', JSON.stringify(ops), '--output', 'json'], { env: awsEnv(s.sluice.url) });
  return JSON.parse(stdout);
}

interface Invoked {
  readonly status: number;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly body: Buffer;
}

async function invoke(s: Served, method: 'POST /ok' | 'GET /down', body = '{"secret":"payload"}'): Promise<Invoked> {
  const [verb, path] = method.split(' ') as [string, string];
  const res = await fetch(`${s.sluice.url}/restapis/${s.apiId}/test/_user_request_${path}`, {
    method: verb,
    headers: { 'content-type': 'application/json', 'user-agent': 'access-log-test/1.0' },
    ...(verb === 'POST' ? { body } : {}),
  });
  return { status: res.status, requestId: res.headers.get('x-amzn-requestid')!, extendedRequestId: res.headers.get('x-amz-apigw-id')!, body: Buffer.from(await res.arrayBuffer()) };
}

const ofType = (records: readonly LogRecord[], type: string): LogRecord[] => records.filter((r) => r.type === type);

describe('access logging (accessLogSettings.format)', () => {
  let s: Served;
  before(async () => (s = await serve()));
  after(() => close(s));

  it('writes nothing while the stage has no format', async () => {
    await invoke(s, 'POST /ok');
    assert.deepEqual(ofType(s.records, 'access'), []);
  });

  it("renders AWS's CLF example with the request's real values", async () => {
    await updateStage(s, { op: 'replace', path: '/accessLogSettings/format', value: CLF });
    const before = Math.floor(Date.now() / 1000) * 1000;
    const r = await invoke(s, 'POST /ok');
    const after = Date.now();
    assert.equal(r.status, 200);
    const [rec] = ofType(s.records, 'access');
    const line = rec!.msg as string;
    const m = /^127\.0\.0\.1 - - \[([^\]]+)\] "POST \/ok HTTP\/1\.1" 200 (\d+) (\S+) (\S+)$/.exec(line);
    assert.ok(m, line);
    const at = clfToMs(m[1]!);
    assert.ok(at >= before && at <= after, `${m[1]} is when the request was made`);
    assert.equal(Number(m[2]), r.body.length);
    assert.equal(m[3], r.requestId);
    assert.equal(m[4], r.extendedRequestId);
    assert.deepEqual([rec!.level, rec!.requestId, rec!.apiId, rec!.stage, rec!.route], ['info', r.requestId, s.apiId, 'test', 'POST /ok']);
  });

  it("renders AWS's JSON example as JSON that parses", async () => {
    await updateStage(s, { op: 'replace', path: '/accessLogSettings/format', value: JSON_FORMAT });
    const r = await invoke(s, 'POST /ok');
    const entry = JSON.parse(ofType(s.records, 'access').at(-1)!.msg as string);
    assert.match(entry.requestTime, CLF_TIME);
    assert.deepEqual({ ...entry, requestTime: undefined }, {
      requestId: r.requestId, extendedRequestId: r.extendedRequestId, ip: '127.0.0.1', caller: '-', user: '-', requestTime: undefined,
      httpMethod: 'POST', resourcePath: '/ok', status: '200', protocol: 'HTTP/1.1', responseLength: String(r.body.length),
    });
  });

  it("renders AWS's XML and CSV examples", async () => {
    await updateStage(s, { op: 'replace', path: '/accessLogSettings/format', value: XML });
    const x = await invoke(s, 'POST /ok');
    const xml = ofType(s.records, 'access').at(-1)!.msg as string;
    const time = /<requestTime>([^<]+)<\/requestTime>/.exec(xml)![1]!;
    assert.match(time, CLF_TIME);
    assert.equal(xml, `<request id="${x.requestId}"> <extendedRequestId>${x.extendedRequestId}</extendedRequestId> <ip>127.0.0.1</ip> <caller>-</caller> <user>-</user> `
      + `<requestTime>${time}</requestTime> <httpMethod>POST</httpMethod> <resourcePath>/ok</resourcePath> <status>200</status> <protocol>HTTP/1.1</protocol> <responseLength>${x.body.length}</responseLength> </request>`);

    await updateStage(s, { op: 'replace', path: '/accessLogSettings/format', value: CSV });
    const c = await invoke(s, 'GET /down');
    const fields = (ofType(s.records, 'access').at(-1)!.msg as string).split(',');
    assert.match(fields[3]!, CLF_TIME);
    assert.deepEqual(fields, ['127.0.0.1', '-', '-', fields[3], 'GET', '/down', 'HTTP/1.1', '502', String(c.body.length), c.requestId, c.extendedRequestId]);
  });

  it('fills the error and integration variables, and renders what has no value as -', async () => {
    const format = '$context.requestId|$context.status|$context.error.responseType|$context.error.message|$context.error.messageString|$context.integration.error|$context.integration.status|$context.integrationLatency|$context.identity.userAgent|$context.apiId|$context.stage|$context.path|$context.domainName|$context.accountId|$context.no.such.variable|$context.xrayTraceId';
    await updateStage(s, { op: 'replace', path: '/accessLogSettings/format', value: format });
    const down = await invoke(s, 'GET /down');
    const [downId, ...failed] = (ofType(s.records, 'access').at(-1)!.msg as string).split('|');
    assert.equal(downId, down.requestId);
    const host = new URL(s.sluice.url).host;
    assert.deepEqual(failed.slice(0, 4), ['502', 'INTEGRATION_FAILURE', 'Internal server error', '"Internal server error"']);
    assert.notEqual(failed[4], '-', 'the network error is the integration error');
    assert.deepEqual(failed.slice(5), ['-', '-', 'access-log-test/1.0', s.apiId, 'test', '/test/down', host, '000000000000', '-', '-']);

    const served = await invoke(s, 'POST /ok');
    const [okId, ...ok] = (ofType(s.records, 'access').at(-1)!.msg as string).split('|');
    assert.equal(okId, served.requestId);
    assert.deepEqual(ok.slice(0, 5), ['200', '-', '-', '-', '-']);
  });

  it('takes a format that ends in a newline as one line; responseLatency and requestTimeEpoch are numbers', async () => {
    await updateStage(s, { op: 'replace', path: '/accessLogSettings/format', value: '$context.requestId $context.responseLatency $context.requestTimeEpoch\n' });
    const r = await invoke(s, 'POST /ok');
    const [id, latency, epoch] = (ofType(s.records, 'access').at(-1)!.msg as string).split(' ');
    assert.equal(id, r.requestId);
    assert.match(latency!, /^\d+$/);
    assert.match(epoch!, /^\d{13}$/);
  });

  it('keeps destinationArn as given (there is no CloudWatch Logs to send to) and stops once the settings are removed', async () => {
    const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:access-logs';
    const stage = await updateStage(s, { op: 'replace', path: '/accessLogSettings/destinationArn', value: arn }, { op: 'replace', path: '/accessLogSettings/format', value: '$context.requestId' });
    assert.deepEqual(stage.accessLogSettings, { destinationArn: arn, format: '$context.requestId' });
    const r = await invoke(s, 'POST /ok');
    assert.equal(ofType(s.records, 'access').at(-1)!.msg, r.requestId);
    const count = ofType(s.records, 'access').length;
    const removed = await updateStage(s, { op: 'remove', path: '/accessLogSettings' });
    assert.equal(removed.accessLogSettings, undefined);
    await invoke(s, 'POST /ok');
    assert.equal(ofType(s.records, 'access').length, count);
  });
});

describe('--access-log <file>', () => {
  it('appends one line per invocation to the file, not to the server log, and keeps what was there', async () => {
    const dir = tempDir('sluice-access-log-');
    const file = join(dir.path, 'access.log');
    try {
      const ids: string[] = [];
      for (let start = 0; start < 2; start++) {
        const s = await serve({ accessLog: file });
        try {
          await updateStage(s, { op: 'replace', path: '/accessLogSettings/format', value: '$context.requestId $context.httpMethod $context.resourcePath $context.status' });
          ids.push(`${(await invoke(s, 'POST /ok')).requestId} POST /ok 200`);
          ids.push(`${(await invoke(s, 'GET /down')).requestId} GET /down 502`);
          assert.deepEqual(ofType(s.records, 'access'), []);
        } finally {
          await close(s);
        }
      }
      assert.equal(readFileSync(file, 'utf8'), ids.map((l) => `${l}\n`).join(''));
    } finally {
      dir.remove();
    }
  });

  it('refuses to start when the file cannot be opened for appending', async () => {
    await assert.rejects(
      startSluice({ ...defaultConfig, port: 0, dataDir: undefined, accessLog: '/nonexistent-dir/access.log' }),
      /access log \/nonexistent-dir\/access\.log cannot be opened for appending \(ENOENT\)/,
    );
  });
});

describe('method settings: logging level and data trace', () => {
  let s: Served;
  before(async () => (s = await serve()));
  after(() => close(s));

  /** boto3, as a Python user sets method settings. */
  async function boto3UpdateStage(ops: Array<{ op: string; path: string; value: string }>): Promise<Record<string, any>> {
    const script = `
import boto3, json, os, sys
c = boto3.client('apigateway', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
r = c.update_stage(restApiId=sys.argv[1], stageName='test', patchOperations=json.loads(sys.argv[2]))
print(json.dumps(r.get('methodSettings', {})))
`;
    return JSON.parse((await run('python3', ['-c', script, s.apiId, JSON.stringify(ops)], { env: awsEnv(s.sluice.url) })).stdout);
  }

  const messagesOf = (rec: LogRecord): string[] => (rec.lines as string[]).map((l) => l.slice(l.indexOf(' : ') + 3));

  it('OFF (the default) writes no execution logs', async () => {
    await invoke(s, 'POST /ok');
    await invoke(s, 'GET /down');
    assert.deepEqual(ofType(s.records, 'execution'), []);
  });

  it('INFO writes every invocation\'s execution log, without request and response data unless dataTrace is on', async () => {
    const settings = await boto3UpdateStage([{ op: 'replace', path: '/*/*/logging/loglevel', value: 'INFO' }]);
    assert.deepEqual(settings['*/*'], awsMethodSetting({ loggingLevel: 'INFO' }));
    const r = await invoke(s, 'POST /ok', '{"secret":"payload"}');
    const rec = ofType(s.records, 'execution').at(-1)!;
    assert.deepEqual([rec.level, rec.requestId, rec.route, rec.status], ['info', r.requestId, 'POST /ok', 200]);
    const plain = messagesOf(rec);
    assert.equal(plain[0], `Starting execution for request: ${r.requestId}`);
    assert.ok(plain.includes('HTTP Method: POST, Resource Path: /ok'));
    assert.equal(plain.at(-1), 'Method completed with status: 200');
    assert.deepEqual(plain.filter((m) => /body|headers|query string|request path/.test(m)), [], 'no data without dataTrace');
    assert.ok(!JSON.stringify(rec).includes('payload'));

    await boto3UpdateStage([{ op: 'replace', path: '/*/*/logging/dataTrace', value: 'true' }]);
    await invoke(s, 'POST /ok', '{"secret":"payload"}');
    const traced = messagesOf(ofType(s.records, 'execution').at(-1)!);
    assert.ok(traced.includes('Method request body before transformations: {"secret":"payload"}'), traced.join('\n'));
    assert.ok(traced.includes('Method response body after transformations: {"ok": true}'));
    assert.ok(traced.some((m) => m.startsWith('Method request headers: {')));

    // A failure is written at error level.
    const down = await invoke(s, 'GET /down');
    const failed = ofType(s.records, 'execution').at(-1)!;
    assert.deepEqual([failed.level, failed.requestId, failed.status], ['error', down.requestId, 502]);
  });

  it('ERROR writes only failed invocations; a method\'s own setting overrides the stage-wide one', async () => {
    await boto3UpdateStage([{ op: 'replace', path: '/*/*/logging/loglevel', value: 'ERROR' }]);
    const count = ofType(s.records, 'execution').length;
    await invoke(s, 'POST /ok');
    assert.equal(ofType(s.records, 'execution').length, count, 'a success is not written at ERROR');
    const down = await invoke(s, 'GET /down');
    const rec = ofType(s.records, 'execution').at(-1)!;
    assert.deepEqual([rec.level, rec.requestId, rec.route], ['error', down.requestId, 'GET /down']);
    // "Only error-level entries": why it failed, and the status it completed with.
    const [why, completed, ...more] = messagesOf(rec);
    assert.match(why!, /^Execution failed due to a network error: .*ECONNREFUSED/);
    assert.equal(completed, 'Method completed with status: 502');
    assert.deepEqual(more, []);

    const settings = await boto3UpdateStage([{ op: 'replace', path: '/~1down/GET/logging/loglevel', value: 'OFF' }]);
    // Kept under the path as written, as AWS keeps it (the AWS CLI's update-stage example: `~1resourceName/GET`).
    assert.deepEqual(settings['~1down/GET'], awsMethodSetting({ loggingLevel: 'OFF' }));
    const before = ofType(s.records, 'execution').length;
    await invoke(s, 'GET /down');
    assert.equal(ofType(s.records, 'execution').length, before, 'OFF for GET /down');
  });
});

describe('method settings: detailed metrics', () => {
  it('counts per method (Resource and Method) only where metricsEnabled is on', async () => {
    const s = await serve();
    try {
      const scrape = async (): Promise<string[]> => (await (await fetch(`${s.sluice.url}/_sluice/metrics`)).text()).split('\n');
      await invoke(s, 'POST /ok');
      assert.deepEqual((await scrape()).filter((l) => l.startsWith('apigateway_method_') && !l.startsWith('# ')), []);
      assert.ok((await scrape()).includes('apigateway_Count{ApiName="LoggingDemo",Stage="test"} 1'));

      await updateStage(s, { op: 'replace', path: '/~1ok/POST/metrics/enabled', value: 'true' });
      await invoke(s, 'POST /ok');
      await invoke(s, 'POST /ok');
      await invoke(s, 'GET /down');
      const lines = await scrape();
      const dims = (method: string, resource: string): string => `{ApiName="LoggingDemo",Method="${method}",Resource="${resource}",Stage="test"}`;
      assert.ok(lines.includes(`apigateway_method_Count${dims('POST', '/ok')} 2`), lines.filter((l) => l.startsWith('apigateway_')).join('\n'));
      assert.ok(lines.includes(`apigateway_method_Latency_count${dims('POST', '/ok')} 2`));
      assert.ok(!lines.some((l) => l.includes('Resource="/down"')), 'GET /down has no detailed metrics');
      assert.ok(lines.includes('apigateway_Count{ApiName="LoggingDemo",Stage="test"} 4'));

      await updateStage(s, { op: 'replace', path: '/*/*/metrics/enabled', value: 'true' });
      await invoke(s, 'GET /down');
      assert.ok((await scrape()).includes(`apigateway_method_5XXError${dims('GET', '/down')} 1`));
    } finally {
      await close(s);
    }
  });
});
