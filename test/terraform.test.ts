/**
 * Terraform (hashicorp/aws provider 5.100.0) applies, plans and destroys the
 * tutorial's KinesisProxy API written the idiomatic way
 * (examples/terraform/main.tf): an execution role trusting API Gateway with
 * AmazonKinesisFullAccess, a Kinesis stream, the REST API's resources,
 * methods, integrations and responses, a separate deployment and stage, and
 * the account's CloudWatch role (AmazonAPIGatewayPushToCloudWatchLogs).
 * A second plan must find nothing to change; the deployed stage must serve
 * the API; destroy must leave nothing behind.
 *
 * Needs `terraform` on PATH and the provider in a filesystem mirror
 * (TF_PLUGIN_MIRROR, default /opt/tf-plugins); skipped with a message otherwise.
 * Nothing is downloaded: the CLI config installs providers from the mirror only.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as AG from '@aws-sdk/client-api-gateway';
import * as I from '@aws-sdk/client-iam';
import * as K from '@aws-sdk/client-kinesis';
import type { Sluice } from '../src/server/app.js';
import { repoRoot, startTestSluice, tempDir, testCredentials } from './helpers/sluice.js';

const MIRROR = process.env['TF_PLUGIN_MIRROR'] ?? '/opt/tf-plugins';
const PROVIDER = join(MIRROR, 'registry.terraform.io/hashicorp/aws/5.100.0');

function skipReason(): string | undefined {
  if (spawnSync('terraform', ['version'], { stdio: 'ignore' }).status !== 0) return 'terraform is not on PATH';
  if (!existsSync(PROVIDER)) return `no hashicorp/aws 5.100.0 provider mirror at ${MIRROR}`;
  return undefined;
}

const skip = skipReason();
if (skip) console.log(`# terraform.test: skipped: ${skip}`);

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly seconds: number;
}

/** A scratch directory with the CLI config, one configuration, and the environment terraform runs in. */
function workspace(sluiceUrl: string, config: string): { work: ReturnType<typeof tempDir>; env: NodeJS.ProcessEnv } {
  const work = tempDir('sluice-terraform-');
  const cliConfig = join(work.path, 'cli.tfrc');
  writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(MIRROR)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`);
  copyFileSync(config, join(work.path, 'main.tf'));
  const { TF_PLUGIN_CACHE_DIR: _cache, ...rest } = process.env;
  const env = {
    ...rest,
    HOME: join(work.path, 'home'),
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_VAR_endpoint: sluiceUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  return { work, env };
}

function terraformIn(work: { path: string }, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('terraform', args, { cwd: work.path, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, seconds: (Date.now() - started) / 1000 }));
  });
}

// The two configurations run side by side (own Sluice, own directory each): the stream's waits dominate.
describe('Terraform', { skip: skip ?? false, concurrency: 2 }, () => {
describe('Terraform applies, plans and destroys the KinesisProxy API', { timeout: 300_000, concurrency: 1 }, () => {
  let sluice: Sluice;
  let work: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  const clients: Array<{ destroy(): void }> = [];

  const terraform = (...args: string[]): Promise<Run> => terraformIn(work, env, ...args);
  const ok = (r: Run, what: string): void => assert.equal(r.code, 0, `terraform ${what} failed:\n${r.output}`);
  const timings: string[] = [];

  before(async () => {
    sluice = await startTestSluice();
    ({ work, env } = workspace(sluice.url, join(repoRoot, 'examples/terraform/main.tf')));
    const init = await terraform('init', '-input=false', '-no-color');
    ok(init, 'init');
    timings.push(`init ${init.seconds}s`);
  });

  after(async () => {
    for (const c of clients) c.destroy();
    console.log(`# terraform timings: ${timings.join(', ')}`);
    await sluice?.close();
    work?.remove();
  });

  it('apply creates everything; the stage serves the API as the tutorial describes', async () => {
    const apply = await terraform('apply', '-auto-approve', '-input=false', '-no-color');
    ok(apply, 'apply');
    timings.push(`apply ${apply.seconds}s`);
    assert.match(apply.output, /Apply complete! Resources: 25 added, 0 changed, 0 destroyed\./);

    const opts = { endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 };
    const ag = new AG.APIGatewayClient(opts);
    const iam = new I.IAMClient(opts);
    const kinesis = new K.KinesisClient(opts);
    clients.push(ag, iam, kinesis);

    const apiId = /rest_api_id = "([a-z0-9]+)"/.exec(apply.output)![1]!;
    const account = await ag.send(new AG.GetAccountCommand({}));
    assert.equal(account.cloudwatchRoleArn, 'arn:aws:iam::000000000000:role/tf-apigw-cloudwatch');
    const stage = await ag.send(new AG.GetStageCommand({ restApiId: apiId, stageName: 'test' }));
    assert.deepEqual(stage.variables, { stream: 'tf-orders' });
    assert.match(stage.accessLogSettings?.format ?? '', /\$context\.requestId/);
    assert.equal(stage.accessLogSettings?.destinationArn, 'arn:aws:logs:us-east-1:000000000000:log-group:kinesis-proxy-access');
    assert.equal(stage.methodSettings?.['*/*']?.loggingLevel, 'INFO');
    assert.equal(stage.methodSettings?.['*/*']?.metricsEnabled, true);

    const base = `${sluice.url}/restapis/${apiId}/test/_user_request_`;
    const listed = await fetch(`${base}/streams`, { headers: { 'content-type': 'application/json' } });
    assert.equal(listed.status, 200);
    assert.ok(((await listed.json()) as { StreamNames: string[] }).StreamNames.includes('tf-orders'));
    const put = await fetch(`${base}/streams/tf-orders/record`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Data: 'some data', PartitionKey: 'some key' }),
    });
    assert.equal(put.status, 200, await put.clone().text());
    assert.match(((await put.json()) as { SequenceNumber: string }).SequenceNumber, /^\d+$/);
    const role = await iam.send(new I.GetRoleCommand({ RoleName: 'tf-apigw-kinesis-proxy' }));
    assert.deepEqual(role.Role!.Tags, [{ Key: 'project', Value: 'kinesis-proxy' }]);
  });

  it('plan afterwards finds no changes (exit code 0 with -detailed-exitcode)', async () => {
    const plan = await terraform('plan', '-detailed-exitcode', '-input=false', '-no-color');
    timings.push(`plan ${plan.seconds}s`);
    assert.equal(plan.code, 0, `plan wants changes (exit ${plan.code}):\n${plan.output}`);
    assert.match(plan.output, /No changes\./);
  });

  it('destroy removes everything it created', async () => {
    const destroy = await terraform('destroy', '-auto-approve', '-input=false', '-no-color');
    ok(destroy, 'destroy');
    timings.push(`destroy ${destroy.seconds}s`);
    assert.match(destroy.output, /Destroy complete! Resources: 25 destroyed\./);
    const opts = { endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 };
    const ag = new AG.APIGatewayClient(opts);
    const iam = new I.IAMClient(opts);
    clients.push(ag, iam);
    const apis = await ag.send(new AG.GetRestApisCommand({}));
    assert.deepEqual(apis.items!.map((a) => a.name), ['KinesisProxy'], 'only the bundled example is left');
    assert.notEqual(apis.items![0]!.id, undefined);
    const roles = (await iam.send(new I.ListRolesCommand({}))).Roles!.map((r) => r.RoleName);
    assert.ok(!roles.includes('tf-apigw-kinesis-proxy') && !roles.includes('tf-apigw-cloudwatch'), roles.join(', '));
    // reset_on_delete: the account no longer names the CloudWatch role.
    assert.equal((await ag.send(new AG.GetAccountCommand({}))).cloudwatchRoleArn, undefined);
  });
});

describe('Terraform applies, plans and destroys authorizers, documentation, VPC links, certificates, domain names, instance profiles', { timeout: 300_000 }, () => {
  it('test/terraform/extras.tf: apply, plan without changes, destroy', async () => {
    const sluice = await startTestSluice();
    const { work, env } = workspace(sluice.url, join(repoRoot, 'test/terraform/extras.tf'));
    try {
      for (const [args, expect] of [
        [['init', '-input=false', '-no-color'], /Terraform has been successfully initialized/],
        [['apply', '-auto-approve', '-input=false', '-no-color'], /Apply complete! Resources: 18 added, 0 changed, 0 destroyed\./],
        [['plan', '-detailed-exitcode', '-input=false', '-no-color'], /No changes\./],
        [['destroy', '-auto-approve', '-input=false', '-no-color'], /Destroy complete! Resources: 18 destroyed\./],
      ] as const) {
        const r = await terraformIn(work, env, ...args);
        assert.equal(r.code, 0, `terraform ${args[0]} (exit ${r.code}):\n${r.output}`);
        assert.match(r.output, expect);
      }
    } finally {
      await sluice.close();
      work.remove();
    }
  });
});
});
