/**
 * The IAM calls IaC tools make (Terraform's aws_iam_role destroy, role and
 * user tags, policy versions, instance profiles) and the AWS managed
 * policies configurations of this system attach.
 *
 * Sources for AWS's behaviour and wording:
 *  - AWS Managed Policy Reference Guide (docs.aws.amazon.com/aws-managed-policy/latest/reference/):
 *    AmazonAPIGatewayPushToCloudWatchLogs is arn:aws:iam::aws:policy/service-role/..., v1, created
 *    2015-11-11 23:41 UTC; IAMReadOnlyAccess v4; IAMFullAccess v2; PowerUserAccess v12.
 *  - iann0036/iam-dataset aws/managedpolicies/*.json (GetPolicyVersion documents), ReadOnlyAccess v188.
 *  - AWS CLI reference, list-policy-versions example: newest version first.
 *  - moto (tested against AWS) moto/iam/models.py: "A managed policy can have up to 5 versions. Before you
 *    create a new version, you must delete an existing version." (LimitExceeded), "Cannot delete the default
 *    version of a policy." (DeleteConflict), "Cannot delete entity, must remove roles from instance profile
 *    first." (DeleteConflict), "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1".
 *  - Real AWS answers quoted in public issues: "Instance Profile <name> cannot be found." (NoSuchEntity,
 *    skyplane-project/skyplane#724, DataBiosphere/toil#4836), "Instance Profile <name> already exists."
 *    (EntityAlreadyExists, ine-labs/AWSGoat#49).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as I from '@aws-sdk/client-iam';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

const ACCOUNT = '000000000000';
const PUSH_LOGS = 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const doc = (action: string): string => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

let sluice: Sluice;
let iam: I.IAMClient;

before(async () => {
  sluice = await startTestSluice();
  iam = new I.IAMClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
});

after(async () => {
  iam.destroy();
  await sluice.close();
});

describe('AWS managed policies', () => {
  it('AmazonAPIGatewayPushToCloudWatchLogs: under /service-role/, v1, its published document, attachable', async () => {
    const { Policy } = await iam.send(new I.GetPolicyCommand({ PolicyArn: PUSH_LOGS }));
    assert.equal(Policy!.PolicyName, 'AmazonAPIGatewayPushToCloudWatchLogs');
    assert.equal(Policy!.Path, '/service-role/');
    assert.equal(Policy!.DefaultVersionId, 'v1');
    assert.equal(Policy!.Description, "Allows API Gateway to push logs to user's account.");
    assert.equal(Policy!.CreateDate!.toISOString(), '2015-11-11T23:41:46.000Z');
    const { PolicyVersion } = await iam.send(new I.GetPolicyVersionCommand({ PolicyArn: PUSH_LOGS, VersionId: 'v1' }));
    const document = JSON.parse(decodeURIComponent(PolicyVersion!.Document!));
    assert.deepEqual(document.Statement[0].Action, [
      'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams',
      'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents',
    ]);
    await iam.send(new I.CreateRoleCommand({ RoleName: 'cw-logs', AssumeRolePolicyDocument: trust }));
    await iam.send(new I.AttachRolePolicyCommand({ RoleName: 'cw-logs', PolicyArn: PUSH_LOGS }));
    const attached = await iam.send(new I.ListAttachedRolePoliciesCommand({ RoleName: 'cw-logs' }));
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'AmazonAPIGatewayPushToCloudWatchLogs', PolicyArn: PUSH_LOGS }]);
    const serviceRole = await iam.send(new I.ListPoliciesCommand({ Scope: 'AWS', PathPrefix: '/service-role/' }));
    assert.ok(serviceRole.Policies!.some((p) => p.Arn === PUSH_LOGS));
    assert.ok(serviceRole.Policies!.every((p) => p.Path === '/service-role/'));
  });

  it('ReadOnlyAccess, PowerUserAccess, IAMFullAccess and IAMReadOnlyAccess with their current versions', async () => {
    const expected: Record<string, string> = { ReadOnlyAccess: 'v188', PowerUserAccess: 'v12', IAMFullAccess: 'v2', IAMReadOnlyAccess: 'v4' };
    for (const [name, version] of Object.entries(expected)) {
      const { Policy } = await iam.send(new I.GetPolicyCommand({ PolicyArn: `arn:aws:iam::aws:policy/${name}` }));
      assert.equal(Policy!.DefaultVersionId, version, name);
      assert.equal(Policy!.Path, '/');
      assert.match(Policy!.PolicyId!, /^ANPA[A-Z2-7]{17}$/);
    }
    const { PolicyVersion } = await iam.send(new I.GetPolicyVersionCommand({ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', VersionId: 'v188' }));
    const readOnly = JSON.parse(decodeURIComponent(PolicyVersion!.Document!));
    assert.ok(readOnly.Statement[0].Action.includes('apigateway:GET'));
    assert.ok(readOnly.Statement.some((s: { Action: string[] }) => s.Action.includes('kinesis:Describe*')));
    const power = await iam.send(new I.GetPolicyVersionCommand({ PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess', VersionId: 'v12' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(power.PolicyVersion!.Document!)).Statement[0].NotAction, ['iam:*', 'organizations:*', 'account:*']);
  });

  it('a user with ReadOnlyAccess reads but does not write (the document is evaluated)', async () => {
    const authz = sluice.iam.authorize;
    await iam.send(new I.CreateUserCommand({ UserName: 'reader' }));
    await iam.send(new I.AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const user = sluice.iam.iam.store.user('reader')!;
    const reader = { principal: { kind: 'user' as const, account: ACCOUNT, userName: user.userName, userId: user.userId, arn: user.arn } };
    const stream = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`;
    assert.deepEqual(authz(reader, 'kinesis:DescribeStream', stream), { allowed: true });
    assert.equal(authz(reader, 'kinesis:PutRecord', stream).allowed, false);
  });
});

describe('instance profiles', () => {
  it('create, add a role, list for the role, refuse DeleteRole while in one, remove, delete', async () => {
    await iam.send(new I.CreateRoleCommand({ RoleName: 'ec2-role', AssumeRolePolicyDocument: trust }));
    const created = await iam.send(new I.CreateInstanceProfileCommand({ InstanceProfileName: 'web', Path: '/app/' }));
    assert.equal(created.InstanceProfile!.Arn, `arn:aws:iam::${ACCOUNT}:instance-profile/app/web`);
    assert.match(created.InstanceProfile!.InstanceProfileId!, /^AIPA[A-Z2-7]{17}$/);
    assert.deepEqual(created.InstanceProfile!.Roles, []);
    await rejectsWith(iam.send(new I.CreateInstanceProfileCommand({ InstanceProfileName: 'web' })), 'EntityAlreadyExistsException', 'Instance Profile web already exists.', 409);

    assert.deepEqual((await iam.send(new I.ListInstanceProfilesForRoleCommand({ RoleName: 'ec2-role' }))).InstanceProfiles, []);
    await iam.send(new I.AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'ec2-role' }));
    await iam.send(new I.CreateRoleCommand({ RoleName: 'second', AssumeRolePolicyDocument: trust }));
    await rejectsWith(iam.send(new I.AddRoleToInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'second' })), 'LimitExceededException', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1', 409);

    const forRole = await iam.send(new I.ListInstanceProfilesForRoleCommand({ RoleName: 'ec2-role' }));
    assert.equal(forRole.InstanceProfiles!.length, 1);
    assert.equal(forRole.InstanceProfiles![0]!.Roles![0]!.RoleName, 'ec2-role');
    assert.equal(forRole.IsTruncated, false);
    const got = await iam.send(new I.GetInstanceProfileCommand({ InstanceProfileName: 'web' }));
    assert.equal(got.InstanceProfile!.Roles![0]!.Arn, `arn:aws:iam::${ACCOUNT}:role/ec2-role`);
    assert.equal((await iam.send(new I.ListInstanceProfilesCommand({ PathPrefix: '/app/' }))).InstanceProfiles!.length, 1);

    await rejectsWith(iam.send(new I.DeleteRoleCommand({ RoleName: 'ec2-role' })), 'DeleteConflictException', 'Cannot delete entity, must remove roles from instance profile first.', 409);
    await rejectsWith(iam.send(new I.DeleteInstanceProfileCommand({ InstanceProfileName: 'web' })), 'DeleteConflictException', 'Cannot delete entity, must remove roles from instance profile first.', 409);
    await iam.send(new I.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: 'web', RoleName: 'ec2-role' }));
    await iam.send(new I.DeleteInstanceProfileCommand({ InstanceProfileName: 'web' }));
    await iam.send(new I.DeleteRoleCommand({ RoleName: 'ec2-role' }));
    await rejectsWith(iam.send(new I.GetInstanceProfileCommand({ InstanceProfileName: 'web' })), 'NoSuchEntityException', 'Instance Profile web cannot be found.', 404);
    await rejectsWith(iam.send(new I.ListInstanceProfilesForRoleCommand({ RoleName: 'ec2-role' })), 'NoSuchEntityException', 'The role with name ec2-role cannot be found.', 404);
  });
});

describe('tags, UpdateRole', () => {
  it('TagRole merges (a key given again takes the new value), ListRoleTags, UntagRole; GetRole shows them', async () => {
    await iam.send(new I.CreateRoleCommand({ RoleName: 'tagged', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'a' }] }));
    await iam.send(new I.TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }] }));
    const listed = await iam.send(new I.ListRoleTagsCommand({ RoleName: 'tagged' }));
    assert.deepEqual(listed.Tags, [{ Key: 'team', Value: 'b' }, { Key: 'env', Value: 'dev' }]);
    assert.equal(listed.IsTruncated, false);
    await iam.send(new I.UntagRoleCommand({ RoleName: 'tagged', TagKeys: ['team'] }));
    assert.deepEqual((await iam.send(new I.GetRoleCommand({ RoleName: 'tagged' }))).Role!.Tags, [{ Key: 'env', Value: 'dev' }]);
    await rejectsWith(iam.send(new I.TagRoleCommand({ RoleName: 'nobody', Tags: [{ Key: 'k', Value: 'v' }] })), 'NoSuchEntityException', 'The role with name nobody cannot be found.', 404);
  });

  it('TagUser, ListUserTags, UntagUser', async () => {
    await iam.send(new I.CreateUserCommand({ UserName: 'tagged-user' }));
    await iam.send(new I.TagUserCommand({ UserName: 'tagged-user', Tags: [{ Key: 'k', Value: 'v' }] }));
    assert.deepEqual((await iam.send(new I.ListUserTagsCommand({ UserName: 'tagged-user' }))).Tags, [{ Key: 'k', Value: 'v' }]);
    await iam.send(new I.UntagUserCommand({ UserName: 'tagged-user', TagKeys: ['k'] }));
    assert.deepEqual((await iam.send(new I.ListUserTagsCommand({ UserName: 'tagged-user' }))).Tags, []);
  });

  it('UpdateRole sets the description and MaxSessionDuration; UpdateRoleDescription answers the role', async () => {
    await iam.send(new I.CreateRoleCommand({ RoleName: 'updated', AssumeRolePolicyDocument: trust }));
    await iam.send(new I.UpdateRoleCommand({ RoleName: 'updated', Description: 'first', MaxSessionDuration: 7200 }));
    const role = (await iam.send(new I.GetRoleCommand({ RoleName: 'updated' }))).Role!;
    assert.equal(role.Description, 'first');
    assert.equal(role.MaxSessionDuration, 7200);
    const answered = await iam.send(new I.UpdateRoleDescriptionCommand({ RoleName: 'updated', Description: 'second' }));
    assert.equal(answered.Role!.Description, 'second');
  });
});

describe('policy versions', () => {
  it('up to five versions, newest listed first, ids never reused, the default one cannot be deleted', async () => {
    const { Policy } = await iam.send(new I.CreatePolicyCommand({ PolicyName: 'versioned', PolicyDocument: doc('kinesis:ListStreams') }));
    const arn = Policy!.Arn!;
    for (let n = 2; n <= 5; n++) {
      const v = await iam.send(new I.CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('kinesis:DescribeStream'), SetAsDefault: n === 3 }));
      assert.equal(v.PolicyVersion!.VersionId, `v${n}`);
      assert.equal(v.PolicyVersion!.IsDefaultVersion, n === 3);
      assert.equal(v.PolicyVersion!.Document, undefined);
    }
    await rejectsWith(
      iam.send(new I.CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('kinesis:PutRecord') })),
      'LimitExceededException',
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      409,
    );
    const listed = await iam.send(new I.ListPolicyVersionsCommand({ PolicyArn: arn }));
    assert.deepEqual(listed.Versions!.map((v) => [v.VersionId, v.IsDefaultVersion]), [['v5', false], ['v4', false], ['v3', true], ['v2', false], ['v1', false]]);
    assert.equal((await iam.send(new I.GetPolicyCommand({ PolicyArn: arn }))).Policy!.DefaultVersionId, 'v3');

    await rejectsWith(iam.send(new I.DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v3' })), 'DeleteConflictException', 'Cannot delete the default version of a policy.', 409);
    await iam.send(new I.DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' }));
    const next = await iam.send(new I.CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('kinesis:PutRecord') }));
    assert.equal(next.PolicyVersion!.VersionId, 'v6');
    await rejectsWith(
      iam.send(new I.SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v5' })),
      'NoSuchEntityException', `Policy ${arn} version v5 does not exist or is not attachable.`, 404,
    );
    await iam.send(new I.SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v6' }));
    const v6 = await iam.send(new I.GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v6' }));
    assert.equal(v6.PolicyVersion!.IsDefaultVersion, true);
    // The default version is what IAM evaluates.
    const store = sluice.iam.iam.store;
    assert.match(store.managedPolicy(arn)!.document, /kinesis:PutRecord/);
    await rejectsWith(
      iam.send(new I.CreatePolicyVersionCommand({ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', PolicyDocument: doc('s3:*') })),
      'InvalidInputException', 'ARN arn:aws:iam::aws:policy/ReadOnlyAccess is not valid.', 400,
    );
  });
});

describe('GetAccountAuthorizationDetails', () => {
  it('lists users, roles (with their instance profiles and policies) and managed policies in use', async () => {
    await iam.send(new I.CreateRoleCommand({ RoleName: 'detailed', AssumeRolePolicyDocument: trust }));
    await iam.send(new I.PutRolePolicyCommand({ RoleName: 'detailed', PolicyName: 'inline', PolicyDocument: doc('kinesis:ListStreams') }));
    await iam.send(new I.AttachRolePolicyCommand({ RoleName: 'detailed', PolicyArn: 'arn:aws:iam::aws:policy/AmazonKinesisFullAccess' }));
    const details = await iam.send(new I.GetAccountAuthorizationDetailsCommand({}));
    const role = details.RoleDetailList!.find((r) => r.RoleName === 'detailed')!;
    assert.deepEqual(role.RolePolicyList!.map((p) => p.PolicyName), ['inline']);
    assert.deepEqual(role.AttachedManagedPolicies, [{ PolicyName: 'AmazonKinesisFullAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonKinesisFullAccess' }]);
    assert.ok(details.Policies!.some((p) => p.PolicyName === 'AmazonKinesisFullAccess' && p.PolicyVersionList![0]!.IsDefaultVersion));
    assert.ok(details.Policies!.some((p) => p.PolicyName === 'versioned'));
    assert.ok(!details.Policies!.some((p) => p.PolicyName === 'PowerUserAccess'));
    const onlyRoles = await iam.send(new I.GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    assert.deepEqual(onlyRoles.UserDetailList, []);
    assert.ok(onlyRoles.RoleDetailList!.length > 0);
  });
});
