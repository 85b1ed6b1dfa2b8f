/**
 * The tutorial's API under real IAM: its execution role's policies decide what
 * the integration may do, a role API Gateway may not assume fails the method,
 * and AWS_IAM methods need a signature allowed execute-api:Invoke.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { request } from 'undici';
import type { Sluice } from '../src/server/app.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

const ROLE_NAME = 'apigAwsProxyRole';
const FULL = 'arn:aws:iam::aws:policy/AmazonKinesisFullAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess';

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(base + path, {
    method: method as 'GET',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) };
}

describe('the KinesisProxy execution role', () => {
  let sluice: Sluice;
  let iam: I.IAMClient;
  let base: string;
  let apiId: string;

  before(async () => {
    sluice = await startTestSluice();
    iam = new I.IAMClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials });
    const api = sluice.deployedApis().find((a) => a.name === 'KinesisProxy')!;
    base = api.invokeUrl;
    apiId = api.id;
  });
  after(async () => {
    iam.destroy();
    await sluice.close();
  });

  it('with read-only access serves GET and refuses PutRecord with AWS\'s denial', async () => {
    assert.equal((await call(base, 'POST', '/streams/roleStream', {})).status, 200, 'the bundled role starts with full access');
    await iam.send(new I.DetachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: FULL }));
    await iam.send(new I.AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: READ_ONLY }));

    const list = await call(base, 'GET', '/streams');
    assert.equal(list.status, 200);
    assert.ok(list.json().StreamNames.includes('roleStream'));

    // The tutorial's only integration response is the default 200, so Kinesis' error comes back in a 200.
    const put = await call(base, 'PUT', '/streams/roleStream/record', { Data: 'x', PartitionKey: 'k' });
    assert.equal(put.status, 200);
    assert.equal(put.json().__type, 'AccessDeniedException');
    assert.match(put.json().message,
      /^User: arn:aws:sts::000000000000:assumed-role\/apigAwsProxyRole\/\S+ is not authorized to perform: kinesis:PutRecord on resource: arn:aws:kinesis:us-east-1:000000000000:stream\/roleStream because no identity-based policy allows the kinesis:PutRecord action$/);

    await iam.send(new I.DetachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: READ_ONLY }));
    await iam.send(new I.AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: FULL }));
    const again = await call(base, 'PUT', '/streams/roleStream/record', { Data: 'x', PartitionKey: 'k' });
    assert.match(again.json().SequenceNumber, /^\d+$/, 'policy changes apply at once');
  });

  it('that does not trust API Gateway fails the method with 500, the reason in the execution log', async () => {
    const lambdaOnly = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    await iam.send(new I.UpdateAssumeRolePolicyCommand({ RoleName: ROLE_NAME, PolicyDocument: lambdaOnly }));
    try {
      const r = await call(base, 'GET', '/streams');
      assert.equal(r.status, 500);
      assert.deepEqual(r.json(), { message: 'Internal server error' });
      const log = sluice.apiGateway.executionLogs({ apiId, limit: 1 })[0]!.log;
      assert.match(log, /Execution failed due to configuration error: API Gateway does not have permission to assume the provided role arn:aws:iam::000000000000:role\/apigAwsProxyRole/);
      assert.match(log, /Method completed with status: 500/);
    } finally {
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
      await iam.send(new I.UpdateAssumeRolePolicyCommand({ RoleName: ROLE_NAME, PolicyDocument: trust }));
    }
    assert.equal((await call(base, 'GET', '/streams')).status, 200);
  });
});

describe('AWS_IAM methods under --auth sigv4', () => {
  it('need a signature for execute-api allowed execute-api:Invoke', async () => {
    const spec = [
      'openapi: 3.0.1',
      'info: {title: Signed, version: "1"}',
      'paths:',
      '  /hello:',
      '    get:',
      '      x-amazon-apigateway-auth: {type: AWS_IAM}',
      '      responses: {"200": {description: ok}}',
      '      x-amazon-apigateway-integration:',
      '        type: mock',
      '        requestTemplates: {application/json: \'{"statusCode": 200}\'}',
      '        responses: {default: {statusCode: "200", responseTemplates: {application/json: \'{"hi": "there"}\'}}}',
      '',
    ].join('\n');
    const sluice = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
    try {
      await sluice.apiGateway.deployDefinition(spec, 'test');
      const api = sluice.deployedApis().find((a) => a.name === 'Signed')!;
      const url = new URL(`${api.invokeUrl}/hello`);
      const unsigned = await call(api.invokeUrl, 'GET', '/hello');
      assert.equal(unsigned.status, 403);
      assert.equal(unsigned.json().message, 'Missing Authentication Token');

      const signer = new SignatureV4({ credentials: testCredentials, region: 'us-east-1', service: 'execute-api', sha256: Sha256 });
      const signed = await signer.sign({
        method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname,
        headers: { host: url.host },
      });
      const ok = await request(url, { headers: signed.headers as Record<string, string> });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(await ok.body.json(), { hi: 'there' });

      const wrong = new SignatureV4({ credentials: { ...testCredentials, secretAccessKey: 'not-the-secret' }, region: 'us-east-1', service: 'execute-api', sha256: Sha256 });
      const bad = await wrong.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } });
      const refused = await request(url, { headers: bad.headers as Record<string, string> });
      assert.equal(refused.statusCode, 403);
      await refused.body.text();
    } finally {
      await sluice.close();
    }
  });
});
