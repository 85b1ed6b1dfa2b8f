/**
 * UpdateStage's logging settings checked as AWS checks them, through the SDK v3 and boto3:
 *  - no logging before the account has its CloudWatch role ("CloudWatch Logs role ARN must be set
 *    in account settings to enable logging"): access log settings and a logging level other than
 *    OFF are refused; OFF, data trace, detailed metrics, throttling and removals are not;
 *  - an access log format on one line (a newline allowed at its end), with $context.requestId or
 *    $context.extendedRequestId; a destination that is a log group's ARN (without `:*`) or a
 *    Firehose stream named amazon-apigateway-…;
 *  - a refused patch changes nothing, whatever else its list held;
 *  - method settings kept under the path as written (`~1pets~1{id}/GET`, `pets/{id}/GET`, `~1/GET`,
 *    `*` `/` `*`), and each of those spellings taking effect for the same method, for logging and
 *    throttling alike, ANY methods included.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import * as AG from '@aws-sdk/client-api-gateway';
import { startSluice, type Sluice } from '../src/server/app.js';
import { defaultConfig } from '../src/server/config.js';
import type { LogRecord } from '../src/server/logger.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { setCloudWatchRole } from './helpers/cloudwatch-role.js';
import { awsEnv, testCredentials } from './helpers/sluice.js';
import { awsMethodSetting } from './helpers/method-settings.js';

const run = promisify(execFile);
const NO_ROLE = 'CloudWatch Logs role ARN must be set in account settings to enable logging';
const LOG_GROUP = 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/apigateway/access';
const MOCK_200 = { 'application/json': '{"statusCode": 200}' };

let sluice: Sluice;
let client: AG.APIGatewayClient;
let apiId: string;
const records: LogRecord[] = [];

type Op = AG.PatchOperation;
const replace = (path: string, value: string): Op => ({ op: 'replace', path, value });
const update = (...ops: Op[]): Promise<AG.UpdateStageCommandOutput> => client.send(new AG.UpdateStageCommand({ restApiId: apiId, stageName: 'prod', patchOperations: ops }));
const getStage = (): Promise<AG.GetStageCommandOutput> => client.send(new AG.GetStageCommand({ restApiId: apiId, stageName: 'prod' }));
/** GetStage's answer without the SDK's metadata. */
async function stageNow(): Promise<Record<string, unknown>> {
  const stage: Record<string, unknown> = { ...(await getStage()) };
  delete stage['$metadata'];
  return stage;
}

/** Refused with AWS's error, and the stage as it was. */
async function refused(ops: Op[], message: string): Promise<void> {
  const before = await stageNow();
  await rejectsWith(update(...ops), 'BadRequestException', message, 400);
  assert.deepEqual(await stageNow(), before, `nothing of ${JSON.stringify(ops)} was saved`);
}

async function invoke(method: string, path: string): Promise<number> {
  const res = await fetch(`${sluice.url}/restapis/${apiId}/prod/_user_request_${path}`, { method });
  await res.arrayBuffer();
  return res.status;
}

const executionRecords = (route: string): LogRecord[] => records.filter((r) => r.type === 'execution' && r.route === route);

before(async () => {
  sluice = await startSluice(
    { ...defaultConfig, port: 0, dataDir: undefined, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 },
    { log: (_line, record) => records.push(record) },
  );
  client = new AG.APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
  // `GET /`, `GET /pets/{id}` and `ANY /any`, each a MOCK answering 200.
  apiId = (await client.send(new AG.CreateRestApiCommand({ name: 'StageLogging' }))).id!;
  const root = (await client.send(new AG.GetResourcesCommand({ restApiId: apiId }))).items!.find((r) => r.path === '/')!.id!;
  const pets = (await client.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: root, pathPart: 'pets' }))).id!;
  const pet = (await client.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: pets, pathPart: '{id}' }))).id!;
  const any = (await client.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: root, pathPart: 'any' }))).id!;
  for (const [resourceId, httpMethod] of [[root, 'GET'], [pet, 'GET'], [any, 'ANY']] as const) {
    await client.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId, httpMethod, authorizationType: 'NONE' }));
    await client.send(new AG.PutMethodResponseCommand({ restApiId: apiId, resourceId, httpMethod, statusCode: '200' }));
    await client.send(new AG.PutIntegrationCommand({ restApiId: apiId, resourceId, httpMethod, type: 'MOCK', requestTemplates: MOCK_200 }));
    await client.send(new AG.PutIntegrationResponseCommand({ restApiId: apiId, resourceId, httpMethod, statusCode: '200', responseTemplates: { 'application/json': '{}' } }));
  }
  await client.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod', variables: { color: 'blue' } }));
});

after(async () => {
  client.destroy();
  await sluice.close();
});

describe('before the account has a CloudWatch role', () => {
  it('refuses access log settings and a logging level of ERROR or INFO, changing nothing', async () => {
    assert.equal((await client.send(new AG.GetAccountCommand({}))).cloudwatchRoleArn, undefined);
    await refused([replace('/accessLogSettings/destinationArn', LOG_GROUP)], NO_ROLE);
    await refused([{ op: 'add', path: '/accessLogSettings/format', value: '$context.requestId' }], NO_ROLE);
    await refused([replace('/*/*/logging/loglevel', 'INFO')], NO_ROLE);
    await refused([replace('/*/*/logging/loglevel', 'ERROR')], NO_ROLE);
    await refused([replace('/~1pets~1{id}/GET/logging/loglevel', 'INFO')], NO_ROLE);
    // The whole list or nothing: the operations before the refused one are not kept either.
    await refused([replace('/description', 'changed'), replace('/variables/color', 'green'), replace('/*/*/metrics/enabled', 'true'), replace('/*/*/logging/loglevel', 'INFO')], NO_ROLE);
    const stage = await stageNow();
    assert.equal(stage.description, undefined);
    assert.deepEqual(stage.variables, { color: 'blue' });
    assert.deepEqual(stage.methodSettings, {});
  });

  it('takes logging OFF, data trace, detailed metrics, throttling and removals', async () => {
    const s = await update(
      replace('/*/*/logging/loglevel', 'OFF'),
      replace('/*/*/logging/dataTrace', 'true'),
      replace('/*/*/metrics/enabled', 'true'),
      replace('/*/*/throttling/rateLimit', '100'),
    );
    assert.deepEqual(s.methodSettings, { '*/*': awsMethodSetting({ loggingLevel: 'OFF', dataTraceEnabled: true, metricsEnabled: true, throttlingRateLimit: 100 }) });
    const removed = await update({ op: 'remove', path: '/accessLogSettings' }, { op: 'remove', path: '/*/*' });
    assert.equal(removed.accessLogSettings, undefined);
    assert.deepEqual(removed.methodSettings, {});
  });

  it('answers as AWS does on the wire: 400, x-amzn-ErrorType BadRequestException, the message', async () => {
    const res = await fetch(`${sluice.url}/restapis/${apiId}/stages/prod`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ patchOperations: [replace('/*/*/logging/loglevel', 'INFO')] }),
    });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('x-amzn-errortype') ?? '', /^BadRequestException/);
    assert.equal(((await res.json()) as { message: string }).message, NO_ROLE);
  });

  it('refuses boto3 as it refuses the SDK', async () => {
    const script = `
import boto3, json, os, sys
from botocore.exceptions import ClientError
c = boto3.client('apigateway', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
try:
    c.update_stage(restApiId=sys.argv[1], stageName='prod', patchOperations=[{'op': 'replace', 'path': '/accessLogSettings/format', 'value': '$context.requestId'}])
    print(json.dumps({}))
except ClientError as e:
    print(json.dumps({'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}))
`;
    const { stdout } = await run('python3', ['-c', script, apiId], { env: awsEnv(sluice.url) });
    assert.deepEqual(JSON.parse(stdout), { code: 'BadRequestException', message: NO_ROLE, status: 400 });
  });
});

describe('once the account has its CloudWatch role', () => {
  before(async () => {
    await setCloudWatchRole(sluice.url);
  });

  it('takes access log settings and logging levels', async () => {
    const s = await update(replace('/accessLogSettings/destinationArn', LOG_GROUP), replace('/accessLogSettings/format', '$context.requestId'), replace('/*/*/logging/loglevel', 'ERROR'));
    assert.deepEqual(s.accessLogSettings, { destinationArn: LOG_GROUP, format: '$context.requestId' });
    assert.deepEqual(s.methodSettings, { '*/*': awsMethodSetting({ loggingLevel: 'ERROR' }) });
  });

  it('takes a format on one line (a newline at its end too) with $context.requestId or $context.extendedRequestId', async () => {
    for (const format of ['$context.extendedRequestId $context.status', '{"id":"$context.requestId"}\n', '$context.requestId']) {
      assert.equal((await update(replace('/accessLogSettings/format', format))).accessLogSettings?.format, format);
    }
  });

  it('refuses a format on several lines, in AWS\'s words', async () => {
    for (const format of ['{\n  "requestId": "$context.requestId"\n}', '$context.requestId\r$context.status', '$context.requestId\n\n']) {
      await refused(
        [replace('/accessLogSettings/destinationArn', 'arn:aws:logs:eu-west-1:123456789012:log-group:other'), replace('/accessLogSettings/format', format)],
        `Access Log format must be single line, new line character is allowed only at end of the format: '${format}'`,
      );
    }
  });

  it('refuses a format without $context.requestId or $context.extendedRequestId', async () => {
    for (const format of ['$context.status', '$context.requestIdentity', 'requestId']) {
      await refused([replace('/accessLogSettings/format', format)], `Access Log format must include either $context.requestId or $context.extendedRequestId: '${format}'`);
    }
  });

  it("takes a log group's or an amazon-apigateway- Firehose stream's ARN, existing or not", async () => {
    for (const arn of ['arn:aws:logs:eu-west-1:123456789012:log-group:API-Gateway-Access-Logs_abc/prod', 'arn:aws:firehose:us-east-1:000000000000:deliverystream/amazon-apigateway-access']) {
      assert.equal((await update(replace('/accessLogSettings/destinationArn', arn))).accessLogSettings?.destinationArn, arn);
    }
  });

  it('refuses any other destination', async () => {
    await refused([replace('/accessLogSettings/destinationArn', `${LOG_GROUP}:*`)], `Invalid access log destination ARN '${LOG_GROUP}:*': a log group's ARN ends with the group's name, without ':*'`);
    const stream = 'arn:aws:firehose:us-east-1:000000000000:deliverystream/access';
    await refused(
      [replace('/accessLogSettings/destinationArn', stream)],
      `Invalid access log destination ARN '${stream}': the name of a Kinesis Data Firehose stream that receives access logs must begin with amazon-apigateway-`,
    );
    for (const arn of ['access', 'arn:aws:s3:::access-logs', 'arn:aws:logs:us-east-1:000000000000:log-group:']) {
      await refused(
        [replace('/accessLogSettings/destinationArn', arn)],
        `Invalid access log destination ARN '${arn}': it must be a CloudWatch Logs log group (arn:aws:logs:{region}:{account-id}:log-group:{log-group-name}) ` +
          'or a Kinesis Data Firehose stream (arn:aws:firehose:{region}:{account-id}:deliverystream/amazon-apigateway-{name})',
      );
    }
    // An empty value is refused as recorded, before anything else is checked.
    await refused([replace('/accessLogSettings/destinationArn', '')], 'Access Log value must not be empty');
  });
});

describe('method settings keys', () => {
  before(async () => {
    await update({ op: 'remove', path: '/accessLogSettings' }, ...Object.keys((await getStage()).methodSettings ?? {}).map((k): Op => ({ op: 'remove', path: `/${k}` })));
  });

  it('are the patch path as written: ~1 kept, nested paths unescaped, the root as ~1', async () => {
    const s = await update(
      replace('/~1pets~1{id}/GET/throttling/burstLimit', '7'), // the console's and the AWS CLI example's spelling
      replace('/pets/{id}/GET/metrics/enabled', 'true'), // Terraform's method_path `pets/{id}/GET`
      replace('/~1/GET/logging/dataTrace', 'true'), // the root resource, as CloudFormation sets it
      replace('/*/*/caching/ttlInSeconds', '60'),
    );
    assert.deepEqual(s.methodSettings, {
      '~1pets~1{id}/GET': awsMethodSetting({ throttlingBurstLimit: 7 }),
      'pets/{id}/GET': awsMethodSetting({ metricsEnabled: true }),
      '~1/GET': awsMethodSetting({ dataTraceEnabled: true }),
      '*/*': awsMethodSetting({ cacheTtlInSeconds: 60 }),
    });
    // Terraform deletes its settings with `remove /{method_path}`.
    const removed = await update({ op: 'remove', path: '/pets/{id}/GET' }, { op: 'remove', path: '/~1/GET' });
    assert.deepEqual(Object.keys(removed.methodSettings ?? {}).sort(), ['*/*', '~1pets~1{id}/GET']);
    await rejectsWith(update({ op: 'remove', path: '/pets/{id}/POST' }), 'BadRequestException', 'Cannot remove method setting pets/{id}/POST because there is no method setting for this method ', 400);
    await update({ op: 'remove', path: '/~1pets~1{id}/GET' }, { op: 'remove', path: '/*/*' });
  });

  it('name their method whichever way it is spelled, for logging and throttling alike', async () => {
    // Logging: the root's key `~1/GET`, the nested resource's `pets/{id}/GET`, the ANY method's `~1any/ANY`.
    await update(replace('/~1/GET/logging/loglevel', 'INFO'), replace('/pets/{id}/GET/logging/loglevel', 'INFO'), replace('/~1any/ANY/logging/loglevel', 'INFO'));
    assert.equal(await invoke('GET', '/'), 200);
    assert.equal(await invoke('GET', '/pets/7'), 200);
    assert.equal(await invoke('POST', '/any'), 200);
    assert.equal(executionRecords('GET /').length, 1);
    assert.equal(executionRecords('GET /pets/{id}').length, 1);
    assert.equal(executionRecords('POST /any').length, 1, 'the ANY method\'s settings apply to every verb it answers');

    // Throttling: a burst limit of 0 refuses every request of that method only.
    await update(replace('/pets/{id}/GET/throttling/burstLimit', '0'));
    assert.equal(await invoke('GET', '/pets/7'), 429);
    assert.equal(await invoke('GET', '/'), 200);
    await update(replace('/~1/GET/throttling/burstLimit', '0'), replace('/~1any/ANY/throttling/burstLimit', '0'));
    assert.equal(await invoke('GET', '/'), 429);
    assert.equal(await invoke('DELETE', '/any'), 429);
  });
});
