/**
 * The IAM API (Query protocol) through @aws-sdk/client-iam, boto3 and raw
 * HTTP: entities and their listings, documents URL-encoded as IAM returns
 * them, AWS's XML error shape, validation, persistence across restarts, and
 * the example's execution role created at startup.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { awsEnv, startTestSluice, tempDir, testCredentials } from './helpers/sluice.js';

const run = promisify(execFile);
const ACCOUNT = '000000000000';

let sluice: Sluice;
let iam: I.IAMClient;

const trust = (service = 'apigateway.amazonaws.com'): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
const kinesisWrite = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: '*' }] }, null, 2);

const rejects = (p: Promise<unknown>, name: string, message: string | RegExp, status: number): Promise<void> => rejectsWith(p, name, message, status);

/** A raw form-encoded Query call (unsigned: auth is off on loopback by default). */
async function query(params: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${sluice.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text() };
}

before(async () => {
  sluice = await startTestSluice();
  iam = new I.IAMClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
});
after(async () => {
  iam.destroy();
  await sluice.close();
});

describe('roles', () => {
  it('creates the KinesisProxy example role at startup', async () => {
    const r = (await iam.send(new I.GetRoleCommand({ RoleName: 'apigAwsProxyRole' }))).Role!;
    assert.equal(r.Arn, `arn:aws:iam::${ACCOUNT}:role/apigAwsProxyRole`);
    const doc = JSON.parse(decodeURIComponent(r.AssumeRolePolicyDocument!));
    assert.deepEqual(doc.Statement[0].Principal, { Service: 'apigateway.amazonaws.com' });
    const attached = await iam.send(new I.ListAttachedRolePoliciesCommand({ RoleName: 'apigAwsProxyRole' }));
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'AmazonKinesisFullAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonKinesisFullAccess' }]);
  });

  it('create, get, list, update trust, inline and attached policies, delete', async () => {
    const created = (await iam.send(new I.CreateRoleCommand({ RoleName: 'writer', Path: '/service/', AssumeRolePolicyDocument: trust(), Description: 'd', Tags: [{ Key: 'team', Value: 'data' }] }))).Role!;
    assert.equal(created.Arn, `arn:aws:iam::${ACCOUNT}:role/service/writer`);
    assert.match(created.RoleId!, /^AROA[A-Z2-7]{17}$/);
    assert.equal(created.MaxSessionDuration, 3600);
    assert.deepEqual(created.Tags, [{ Key: 'team', Value: 'data' }]);
    // IAM returns the document as submitted, percent-encoded.
    assert.equal(created.AssumeRolePolicyDocument, encodeURIComponent(trust()));

    const listed = await iam.send(new I.ListRolesCommand({ PathPrefix: '/service/' }));
    assert.deepEqual(listed.Roles!.map((r) => r.RoleName), ['writer']);
    assert.equal(listed.IsTruncated, false);

    await iam.send(new I.UpdateAssumeRolePolicyCommand({ RoleName: 'writer', PolicyDocument: trust('lambda.amazonaws.com') }));
    const updated = (await iam.send(new I.GetRoleCommand({ RoleName: 'WRITER' }))).Role!;
    assert.match(decodeURIComponent(updated.AssumeRolePolicyDocument!), /lambda\.amazonaws\.com/);

    await iam.send(new I.PutRolePolicyCommand({ RoleName: 'writer', PolicyName: 'write', PolicyDocument: kinesisWrite }));
    const inline = await iam.send(new I.GetRolePolicyCommand({ RoleName: 'writer', PolicyName: 'write' }));
    assert.equal(inline.PolicyDocument, encodeURIComponent(kinesisWrite));
    assert.deepEqual((await iam.send(new I.ListRolePoliciesCommand({ RoleName: 'writer' }))).PolicyNames, ['write']);
    await iam.send(new I.AttachRolePolicyCommand({ RoleName: 'writer', PolicyArn: 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess' }));

    await rejects(iam.send(new I.DeleteRoleCommand({ RoleName: 'writer' })), 'DeleteConflictException', 'Cannot delete entity, must delete policies first.', 409);
    await iam.send(new I.DeleteRolePolicyCommand({ RoleName: 'writer', PolicyName: 'write' }));
    await rejects(iam.send(new I.DeleteRoleCommand({ RoleName: 'writer' })), 'DeleteConflictException', 'Cannot delete entity, must detach all policies first.', 409);
    await iam.send(new I.DetachRolePolicyCommand({ RoleName: 'writer', PolicyArn: 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess' }));
    await iam.send(new I.DeleteRoleCommand({ RoleName: 'writer' }));
    await rejects(iam.send(new I.GetRoleCommand({ RoleName: 'writer' })), 'NoSuchEntityException', 'The role with name writer cannot be found.', 404);
  });

  it('refuses duplicates, bad documents and unknown policies as IAM does', async () => {
    await iam.send(new I.CreateRoleCommand({ RoleName: 'dup', AssumeRolePolicyDocument: trust() }));
    await rejects(iam.send(new I.CreateRoleCommand({ RoleName: 'Dup', AssumeRolePolicyDocument: trust() })), 'EntityAlreadyExistsException', 'Role with name Dup already exists.', 409);
    await rejects(
      iam.send(new I.CreateRoleCommand({ RoleName: 'noPrincipal', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] }) })),
      'MalformedPolicyDocumentException', 'Missing required field Principal', 400,
    );
    await rejects(iam.send(new I.PutRolePolicyCommand({ RoleName: 'dup', PolicyName: 'p', PolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kinesis:*"}]}' })),
      'MalformedPolicyDocumentException', 'Policy statement must contain resources.', 400);
    await rejects(iam.send(new I.PutRolePolicyCommand({ RoleName: 'dup', PolicyName: 'p', PolicyDocument: 'not json' })), 'MalformedPolicyDocumentException', 'Syntax errors in policy.', 400);
    await rejects(iam.send(new I.AttachRolePolicyCommand({ RoleName: 'dup', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/nope` })),
      'NoSuchEntityException', `Policy arn:aws:iam::${ACCOUNT}:policy/nope does not exist or is not attachable.`, 404);
    await rejects(iam.send(new I.GetRolePolicyCommand({ RoleName: 'dup', PolicyName: 'none' })), 'NoSuchEntityException', 'The role policy with name none cannot be found.', 404);
  });

  it('validates input against the model (ValidationError)', async () => {
    await rejects(
      iam.send(new I.CreateRoleCommand({ RoleName: 'bad name!', AssumeRolePolicyDocument: trust() })),
      'ValidationError',
      "1 validation error detected: Value 'bad name!' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      400,
    );
  });
});

describe('managed policies', () => {
  it('lists the AWS managed policies Sluice ships, with their real documents', async () => {
    const aws = await iam.send(new I.ListPoliciesCommand({ Scope: 'AWS' }));
    assert.deepEqual(aws.Policies!.map((p) => p.PolicyName), [
      'AdministratorAccess', 'AmazonAPIGatewayAdministrator', 'AmazonAPIGatewayInvokeFullAccess', 'AmazonAPIGatewayPushToCloudWatchLogs',
      'AmazonKinesisFullAccess', 'AmazonKinesisReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'PowerUserAccess', 'ReadOnlyAccess',
    ]);
    const ro = (await iam.send(new I.GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess' }))).Policy!;
    assert.equal(ro.DefaultVersionId, 'v1');
    const v = (await iam.send(new I.GetPolicyVersionCommand({ PolicyArn: ro.Arn!, VersionId: 'v1' }))).PolicyVersion!;
    assert.deepEqual(JSON.parse(decodeURIComponent(v.Document!)), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*'], Resource: '*' }],
    });
    const invoke = (await iam.send(new I.GetPolicyVersionCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess', VersionId: 'v2' }))).PolicyVersion!;
    assert.deepEqual(JSON.parse(decodeURIComponent(invoke.Document!)).Statement[0].Resource, 'arn:aws:execute-api:*:*:*');
  });

  it('customer managed: create, get, attach count, version, delete', async () => {
    const p = (await iam.send(new I.CreatePolicyCommand({ PolicyName: 'KinesisWrite', Path: '/team/', PolicyDocument: kinesisWrite, Description: 'writes' }))).Policy!;
    assert.equal(p.Arn, `arn:aws:iam::${ACCOUNT}:policy/team/KinesisWrite`);
    assert.match(p.PolicyId!, /^ANPA/);
    assert.equal(p.AttachmentCount, 0);
    await rejects(iam.send(new I.CreatePolicyCommand({ PolicyName: 'KinesisWrite', Path: '/team/', PolicyDocument: kinesisWrite })),
      'EntityAlreadyExistsException', 'A policy called KinesisWrite already exists. Duplicate names are not allowed.', 409);
    await iam.send(new I.CreateUserCommand({ UserName: 'policy-user' }));
    await iam.send(new I.AttachUserPolicyCommand({ UserName: 'policy-user', PolicyArn: p.Arn! }));
    assert.equal((await iam.send(new I.GetPolicyCommand({ PolicyArn: p.Arn! }))).Policy!.AttachmentCount, 1);
    const local = await iam.send(new I.ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }));
    assert.deepEqual(local.Policies!.map((x) => x.PolicyName), ['KinesisWrite']);
    const v = (await iam.send(new I.GetPolicyVersionCommand({ PolicyArn: p.Arn!, VersionId: 'v1' }))).PolicyVersion!;
    assert.equal(v.Document, encodeURIComponent(kinesisWrite));
    assert.equal(v.IsDefaultVersion, true);
    await rejects(iam.send(new I.DeletePolicyCommand({ PolicyArn: p.Arn! })), 'DeleteConflictException', 'Cannot delete a policy attached to entities.', 409);
    await iam.send(new I.DetachUserPolicyCommand({ UserName: 'policy-user', PolicyArn: p.Arn! }));
    await iam.send(new I.DeletePolicyCommand({ PolicyArn: p.Arn! }));
    await rejects(iam.send(new I.GetPolicyCommand({ PolicyArn: p.Arn! })), 'NoSuchEntityException', `Policy ${p.Arn} does not exist or is not attachable.`, 404);
  });
});

describe('users and access keys', () => {
  it('create, get, list, inline policies, keys, delete', async () => {
    const u = (await iam.send(new I.CreateUserCommand({ UserName: 'alice', Tags: [{ Key: 'k', Value: 'v' }] }))).User!;
    assert.equal(u.Arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    assert.match(u.UserId!, /^AIDA[A-Z2-7]{17}$/);
    assert.equal((await iam.send(new I.GetUserCommand({ UserName: 'alice' }))).User!.UserId, u.UserId);
    assert.ok((await iam.send(new I.ListUsersCommand({}))).Users!.some((x) => x.UserName === 'alice'));

    await iam.send(new I.PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'w', PolicyDocument: kinesisWrite }));
    assert.equal((await iam.send(new I.GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'w' }))).PolicyDocument, encodeURIComponent(kinesisWrite));

    const k1 = (await iam.send(new I.CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey!;
    assert.match(k1.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(k1.SecretAccessKey!.length, 40);
    assert.equal(k1.Status, 'Active');
    await iam.send(new I.CreateAccessKeyCommand({ UserName: 'alice' }));
    await rejects(iam.send(new I.CreateAccessKeyCommand({ UserName: 'alice' })), 'LimitExceededException', 'Cannot exceed quota for AccessKeysPerUser: 2', 409);
    const keys = await iam.send(new I.ListAccessKeysCommand({ UserName: 'alice' }));
    assert.equal(keys.AccessKeyMetadata!.length, 2);
    assert.equal((keys.AccessKeyMetadata![0] as { SecretAccessKey?: string }).SecretAccessKey, undefined);

    await rejects(iam.send(new I.DeleteUserCommand({ UserName: 'alice' })), 'DeleteConflictException', 'Cannot delete entity, must delete access keys first.', 409);
    for (const k of keys.AccessKeyMetadata!) await iam.send(new I.DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: k.AccessKeyId! }));
    await rejects(iam.send(new I.DeleteAccessKeyCommand({ UserName: 'alice', AccessKeyId: k1.AccessKeyId! })), 'NoSuchEntityException', `The Access Key with id ${k1.AccessKeyId} cannot be found.`, 404);
    await rejects(iam.send(new I.DeleteUserCommand({ UserName: 'alice' })), 'DeleteConflictException', 'Cannot delete entity, must delete policies first.', 409);
    await iam.send(new I.DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'w' }));
    await iam.send(new I.DeleteUserCommand({ UserName: 'alice' }));
    await rejects(iam.send(new I.GetUserCommand({ UserName: 'alice' })), 'NoSuchEntityException', 'The user with name alice cannot be found.', 404);
  });

  it('pages with Marker and MaxItems', async () => {
    for (const n of ['p1', 'p2', 'p3']) await iam.send(new I.CreateUserCommand({ UserName: n, Path: '/paged/' }));
    const first = await iam.send(new I.ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
    assert.deepEqual(first.Users!.map((u) => u.UserName), ['p1', 'p2']);
    assert.equal(first.IsTruncated, true);
    const rest = await iam.send(new I.ListUsersCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker! }));
    assert.deepEqual(rest.Users!.map((u) => u.UserName), ['p3']);
    assert.equal(rest.IsTruncated, false);
  });
});

describe('the Query protocol on the wire', () => {
  it('answers in XML with ResponseMetadata/RequestId', async () => {
    const r = await query({ Action: 'GetRole', Version: '2010-05-08', RoleName: 'apigAwsProxyRole' });
    assert.equal(r.status, 200);
    assert.match(r.text, /^<GetRoleResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><GetRoleResult><Role><Path>\/<\/Path><RoleName>apigAwsProxyRole<\/RoleName>/);
    assert.match(r.text, /<AssumeRolePolicyDocument>%7B%0A%20%20%22Version%22/);
    assert.match(r.text, /<\/GetRoleResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/GetRoleResponse>$/);
  });

  it("errors in AWS's XML error shape", async () => {
    const r = await query({ Action: 'GetUser', Version: '2010-05-08', UserName: 'nobody' });
    assert.equal(r.status, 404);
    assert.match(
      r.text,
      /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>The user with name nobody cannot be found\.<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
    const unknown = await query({ Action: 'CreateGroupX', Version: '2010-05-08' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /<Code>InvalidAction<\/Code><Message>Could not find operation CreateGroupX for version 2010-05-08<\/Message>/);
  });

  it('reads nested members (Tags.member.N.Key) and GET query strings', async () => {
    await query({ Action: 'CreateUser', Version: '2010-05-08', UserName: 'tagged', 'Tags.member.1.Key': 'a', 'Tags.member.1.Value': '1', 'Tags.member.2.Key': 'b', 'Tags.member.2.Value': '2' });
    const res = await fetch(`${sluice.url}/?Action=GetUser&Version=2010-05-08&UserName=tagged`);
    const text = await res.text();
    assert.match(text, /<Tags><member><Key>a<\/Key><Value>1<\/Value><\/member><member><Key>b<\/Key><Value>2<\/Value><\/member><\/Tags>/);
  });
});

describe('boto3 and the AWS CLI', () => {
  it('boto3 decodes documents and reads errors', async () => {
    const script = `
import boto3, botocore, json, sys
iam = boto3.client('iam', endpoint_url=sys.argv[1])
iam.create_role(RoleName='boto-role', AssumeRolePolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'apigateway.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}))
r = iam.get_role(RoleName='boto-role')['Role']
out = {'principal': r['AssumeRolePolicyDocument']['Statement'][0]['Principal'], 'created': r['CreateDate'].isoformat()}
try:
    iam.get_role(RoleName='missing')
except botocore.exceptions.ClientError as e:
    out['error'] = [e.response['Error']['Type'], e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps(out))
`;
    const out = JSON.parse((await run('python3', ['-c', script, sluice.url], { env: awsEnv(sluice.url) })).stdout);
    assert.deepEqual(out.principal, { Service: 'apigateway.amazonaws.com' });
    assert.match(out.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    assert.deepEqual(out.error, ['Sender', 'NoSuchEntity', 'The role with name missing cannot be found.', 404]);
  });

  it('the AWS CLI manages users', async () => {
    const env = awsEnv(sluice.url);
    await run('aws', ['iam', 'create-user', '--user-name', 'cli-user', '--endpoint-url', sluice.url], { env });
    await run('aws', ['iam', 'attach-user-policy', '--user-name', 'cli-user', '--policy-arn', 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess', '--endpoint-url', sluice.url], { env });
    const out = JSON.parse((await run('aws', ['iam', 'list-attached-user-policies', '--user-name', 'cli-user', '--endpoint-url', sluice.url, '--output', 'json'], { env })).stdout);
    assert.deepEqual(out.AttachedPolicies, [{ PolicyName: 'AmazonKinesisReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess' }]);
  });
});

describe('persistence', () => {
  it('keeps users, keys, roles and policies across restarts, and the generated root credentials', async () => {
    const dir = tempDir();
    try {
      const first = await startTestSluice({ dataDir: dir.path, auth: 'sigv4' });
      assert.equal(first.iam.rootCredentials.source, 'generated');
      const rootKeys = { accessKeyId: first.iam.rootCredentials.accessKeyId, secretAccessKey: first.iam.rootCredentials.secretAccessKey };
      const c1 = new I.IAMClient({ endpoint: first.url, region: 'us-east-1', credentials: rootKeys, maxAttempts: 1 });
      await c1.send(new I.CreateUserCommand({ UserName: 'kept' }));
      const key = (await c1.send(new I.CreateAccessKeyCommand({ UserName: 'kept' }))).AccessKey!;
      await c1.send(new I.AttachUserPolicyCommand({ UserName: 'kept', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
      c1.destroy();
      await first.close();

      const second = await startTestSluice({ dataDir: dir.path, auth: 'sigv4' });
      try {
        assert.equal(second.iam.rootCredentials.source, 'stored');
        assert.equal(second.iam.rootCredentials.accessKeyId, rootKeys.accessKeyId);
        const c2 = new I.IAMClient({ endpoint: second.url, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, maxAttempts: 1 });
        const me = (await c2.send(new I.GetUserCommand({}))).User!;
        assert.equal(me.UserName, 'kept');
        assert.ok((await c2.send(new I.ListRolesCommand({}))).Roles!.some((r) => r.RoleName === 'apigAwsProxyRole'));
        c2.destroy();
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });
});
