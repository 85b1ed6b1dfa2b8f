/**
 * The web console end to end in a real browser (Debian's chromium driven by playwright-core):
 * create a stream, put a record through the KinesisProxy Test pane, find it in the data viewer,
 * import an API, flag a broken mapping template as it is typed, chart metrics in the Monitoring
 * tabs, enable CORS on a resource, set a stage's logging. Screenshots of every page go to
 * test-artifacts/console/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as AG from '@aws-sdk/client-api-gateway';
import * as K from '@aws-sdk/client-kinesis';
import type { BrowserContext, Page } from 'playwright-core';
import type { Sluice } from '../src/server/app.js';
import { setCloudWatchRole } from './helpers/cloudwatch-role.js';
import { repoRoot, startTestSluice, testCredentials } from './helpers/sluice.js';

const CHROMIUM = process.env['SLUICE_CHROMIUM'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(repoRoot, 'test-artifacts/console');
const STREAM = 'console-e2e';

const skip = !existsSync(CHROMIUM)
  ? `chromium not found at ${CHROMIUM} (apt-get install -y chromium): the console's browser tests did NOT run`
  : !existsSync(join(repoRoot, 'dist/console/index.html'))
    ? 'dist/console is missing (npm run build): the console\'s browser tests did NOT run'
    : false;
if (skip) {
  const bar = '!'.repeat(100);
  console.error(`\n${bar}\n!! SKIPPED: ${skip}\n${bar}\n`);
}

const IMPORTED = {
  openapi: '3.0.1',
  info: { title: 'ConsoleImported', version: '1.0', description: 'Imported from the console test' },
  paths: {
    '/hello': {
      get: {
        responses: { '200': { description: 'ok' } },
        'x-amazon-apigateway-integration': {
          type: 'mock',
          requestTemplates: { 'application/json': '{"statusCode": 200}' },
          responses: { default: { statusCode: '200', responseTemplates: { 'application/json': '{"hello": "world"}' } } },
          passthroughBehavior: 'when_no_match',
        },
      },
    },
  },
};

describe('console in a browser', { skip, timeout: 180_000 }, () => {
  let s: Sluice;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];
  const external: string[] = [];

  const shot = async (name: string): Promise<void> => {
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  const open = async (path: string): Promise<void> => {
    await page.goto(`${s.url}/_sluice/console/${path}`);
  };
  const sdk = <T,>(Client: new (config: object) => T): T => new Client({ endpoint: s.url, region: 'us-east-1', credentials: testCredentials });
  /** Opens a chart's "Data points" table and waits for a row whose value is `value`. */
  const dataPoint = async (chart: string, value: string): Promise<void> => {
    const figure = page.getByRole('figure', { name: chart, exact: true });
    if (!(await figure.locator('details').evaluate((d) => (d as unknown as { open: boolean }).open))) await figure.getByText('Data points').click();
    await figure.getByRole('table', { name: `Data points of ${chart}` }).getByRole('cell', { name: value, exact: true }).waitFor();
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    s = await startTestSluice();
    const { chromium } = await import('playwright-core');
    profile = mkdtempSync(join(tmpdir(), 'sluice-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1366, height: 860 },
      acceptDownloads: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(s.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url());
    });
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await s?.close();
  });

  test('the health page links the console and the console opens on the APIs page', async () => {
    const health = (await (await fetch(`${s.url}/_sluice/health`)).json()) as { consoleUrl: string };
    await page.goto(health.consoleUrl);
    await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
    await page.getByRole('link', { name: 'KinesisProxy' }).waitFor();
    await shot('01-apis');
  });

  test('create a stream', async () => {
    await open('streams');
    await page.getByRole('heading', { level: 1, name: 'Kinesis streams' }).waitFor();
    await page.getByLabel('Stream name').fill(STREAM);
    await page.getByLabel('Shards').fill('2');
    await page.getByRole('button', { name: 'Create stream' }).click();
    const row = page.getByRole('row', { name: new RegExp(STREAM) });
    await row.getByText('ACTIVE').waitFor();
    assert.match((await row.textContent()) ?? '', /PROVISIONED/);
    await shot('02-streams');
  });

  test('put a record through the KinesisProxy Test pane', async () => {
    await open('apis');
    await page.getByRole('link', { name: 'KinesisProxy' }).click();
    const tree = page.getByRole('tree', { name: 'Resources and methods' });
    await tree.getByRole('treeitem', { name: '/record', exact: true }).click();
    await page.getByRole('link', { name: 'PUT' }).click();
    await page.getByRole('heading', { name: /PUT \/streams\/\{stream-name\}\/record/ }).waitFor();
    // The four boxes of method execution.
    for (const box of ['Method Request', 'Integration Request', 'Integration Response', 'Method Response']) {
      await page.getByRole('button', { name: new RegExp(`^${box}`) }).waitFor();
    }
    await shot('03-method-execution');

    await page.getByRole('tab', { name: 'Test' }).click();
    await page.getByLabel('{stream-name}', { exact: true }).fill(STREAM);
    await page.getByLabel('Headers').fill('Content-Type: application/json');
    await page.getByLabel('Request body').fill(JSON.stringify({ Data: { sensor: 's-1', temp: 21.5 }, PartitionKey: 'pk-console' }));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByTestId('test-status').filter({ hasText: '200' }).waitFor();
    const body = await page.getByLabel('Response body').textContent();
    assert.match(body ?? '', /"SequenceNumber"/);
    const log = await page.getByLabel('Execution log').textContent();
    assert.match(log ?? '', /Endpoint request body after transformations/);
    assert.match(log ?? '', /Method completed with status: 200/);
    await shot('04-test-pane');
  });

  test('see the record in the data viewer, as text, JSON and hex', async () => {
    await open(`streams/${STREAM}`);
    await page.getByRole('heading', { level: 2, name: 'Shards' }).waitFor();
    await page.getByRole('row', { name: /shardId-000000000001/ }).waitFor();
    await page.getByRole('img', { name: /Records per second/ }).waitFor();
    await page.waitForTimeout(2500); // a few seconds of the live chart
    await shot('05-stream');

    await page.getByRole('link', { name: 'Data viewer' }).click();
    await page.getByLabel('Starting position').selectOption('TRIM_HORIZON');
    // The record went to whichever shard its key hashes to: try each.
    const shards = await page.getByLabel('Shard', { exact: true }).locator('option').allTextContents();
    let found = false;
    for (const shard of shards) {
      await page.getByLabel('Shard', { exact: true }).selectOption(shard.trim());
      await page.getByRole('button', { name: 'Get records' }).click();
      await page.getByRole('button', { name: 'Get records' }).waitFor({ state: 'visible' });
      await page.waitForFunction('!document.querySelector("button.primary[disabled]")');
      if (await page.getByRole('cell', { name: 'pk-console' }).count()) {
        found = true;
        break;
      }
    }
    assert.ok(found, 'the record put through the Test pane is in one of the shards');
    const row = page.getByRole('row', { name: /pk-console/ });
    assert.match((await row.textContent()) ?? '', /"temp":21\.5/);
    await page.getByLabel('JSON').check();
    assert.match((await row.locator('pre').textContent()) ?? '', /"temp": 21\.5/);
    await page.getByLabel('Hex').check();
    assert.match((await row.locator('pre').textContent()) ?? '', /^00000000 {2}7b 22/);
    await page.getByLabel('Text').check();

    // Follow live: a record put now shows up without another click.
    await page.getByLabel('Follow new records live').check();
    await fetch(`${s.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
      body: JSON.stringify({ StreamName: STREAM, PartitionKey: 'pk-console', Data: Buffer.from('followed live').toString('base64') }),
    });
    await page.getByRole('cell', { name: 'followed live' }).waitFor();
    await shot('06-data-viewer');
  });

  test('import an API', async () => {
    await open('apis');
    await page.getByLabel('Definition').fill(JSON.stringify(IMPORTED, null, 2));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Imported' }).waitFor();
    await page.getByRole('row', { name: /ConsoleImported/ }).waitFor();
    await shot('07-import');
    await page.getByRole('status').getByRole('link', { name: 'ConsoleImported' }).click();
    await page.getByRole('tree').getByRole('treeitem', { name: '/hello' }).waitFor();
  });

  test('a broken template is flagged with line:column as it is typed, and a good one saves', async () => {
    const tree = page.getByRole('tree');
    await tree.getByRole('treeitem', { name: '/hello' }).click();
    await page.getByRole('link', { name: 'GET' }).click();
    await page.getByRole('button', { name: /^Integration Request/ }).click();
    const editor = page.getByLabel('Template for application/json');
    await editor.fill('{\n  "statusCode": 200,\n  #if($input.params("x") == \n}');
    const problem = page.locator('.problem-error').first();
    await problem.waitFor();
    assert.match((await problem.textContent()) ?? '', /^\s*\d+:\d+ error/);
    assert.equal(await editor.getAttribute('aria-invalid'), 'true');
    await page.locator('.gutter-error').first().waitFor();
    await shot('08-template-error');

    await editor.fill('#set($code = 200)\n{"statusCode": $code}');
    await page.getByText('No problems found by the VTL linter.').waitFor();
    assert.equal(await editor.getAttribute('aria-invalid'), 'false');
    await page.getByRole('button', { name: 'Save integration request' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    // Saved through UpdateIntegration: the management API has the new template.
    const apis = (await (await fetch(`${s.url}/restapis`)).json()) as { item: { id: string; name: string }[] };
    const api = apis.item.find((a) => a.name === 'ConsoleImported')!;
    const resources = (await (await fetch(`${s.url}/restapis/${api.id}/resources?embed=methods`)).json()) as { item: { id: string; path: string }[] };
    const hello = resources.item.find((r) => r.path === '/hello')!;
    const integration = (await (await fetch(`${s.url}/restapis/${api.id}/resources/${hello.id}/methods/GET/integration`)).json()) as {
      requestTemplates: Record<string, string>;
    };
    assert.equal(integration.requestTemplates['application/json'], '#set($code = 200)\n{"statusCode": $code}');
  });

  test('deploy, stages and export', async () => {
    await page.getByRole('button', { name: 'Deploy API' }).click();
    await page.getByLabel('New stage name').fill('prod');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    const url = page.getByLabel('Invoke URL', { exact: true });
    await url.waitFor();
    const invoke = await url.inputValue();
    assert.match(invoke, /\/restapis\/\w+\/prod\/_user_request_\/$/);
    const res = await fetch(`${invoke}hello`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { hello: 'world' });

    await page.getByRole('link', { name: 'Stages' }).click();
    await page.getByRole('heading', { level: 3, name: 'prod' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download export' }).click()]);
    const file = await download.path();
    assert.match(readFileSync(file, 'utf8'), /openapi|swagger/);
    assert.match(download.suggestedFilename(), /^ConsoleImported-prod-oas30\.yaml$/);
    await shot('09-stages');
  });

  test("the stream's Monitoring tab charts a known workload from /_sluice/metrics", async () => {
    const kinesis = sdk(K.KinesisClient);
    const put = (n: number, tag: string): Promise<K.PutRecordsCommandOutput> =>
      kinesis.send(new K.PutRecordsCommand({ StreamName: 'console-metrics', Records: Array.from({ length: n }, (_, i) => ({ PartitionKey: `${tag}-${i}`, Data: Buffer.from('0123456789') })) }));
    try {
      await kinesis.send(new K.CreateStreamCommand({ StreamName: 'console-metrics', ShardCount: 1 }));
      await kinesis.send(new K.DescribeStreamSummaryCommand({ StreamName: 'console-metrics' }));
      await put(5, 'before');
      await open('streams/console-metrics');
      await page.getByRole('tab', { name: 'Monitoring' }).click();
      await page.waitForURL(/\?tab=monitoring$/);
      // What was counted before the tab opened shows as the counter's total.
      const incoming = page.getByRole('figure', { name: 'IncomingRecords', exact: true });
      await incoming.getByText('Since Sluice started: 5').waitFor();
      await page.getByText(/Last scrape/).waitFor();
      // One PutRecords of 12 records counts at once: one data point of 12 after the next scrape.
      await put(12, 'during');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await dataPoint('IncomingRecords', '12');
      await dataPoint('PutRecords.TotalRecords', '12');
      await dataPoint('PutRecords.SuccessfulRecords', '12');
      await incoming.getByText('Since Sluice started: 17').waitFor();
      assert.match((await incoming.getByRole('img').getAttribute('aria-label')) ?? '', /IncomingRecords, Sum per 5 s: latest \d+ at/);
      for (const title of ['IncomingBytes', 'PutRecords.Latency', 'GetRecords.IteratorAgeMilliseconds', 'WriteProvisionedThroughputExceeded', 'SubscribeToShardEvent.Records']) {
        await page.getByRole('figure', { name: title, exact: true }).waitFor();
      }
      await shot('12-stream-monitoring');
    } finally {
      kinesis.destroy();
    }
  });

  test("a stage's Monitoring tab charts its requests", async () => {
    await open('apis');
    await page.getByRole('link', { name: 'ConsoleImported' }).first().click();
    await page.getByRole('link', { name: 'Stages' }).click();
    await page.getByRole('heading', { level: 3, name: 'prod' }).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Stage prod' }).waitFor();
    const invoke = await page.getByRole('textbox', { name: 'Invoke URL of prod' }).inputValue();
    await page.getByRole('tab', { name: 'Monitoring' }).click();
    await page.getByRole('figure', { name: '4XXError', exact: true }).waitFor();
    await page.getByText(/Last scrape/).waitFor();
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${invoke}hello`)).status, 200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await dataPoint('Count', '3');
    const latency = page.getByRole('figure', { name: 'Latency', exact: true });
    assert.match((await latency.getByRole('img').getAttribute('aria-label')) ?? '', /Latency, Average per 5 s: latest [\d.]+ ms/);
    await shot('13-stage-monitoring');
  });

  test('Enable CORS on a resource: the OPTIONS method, the headers, the gateway responses, a real preflight', async () => {
    const apig = sdk(AG.APIGatewayClient);
    try {
      const api = (await apig.send(new AG.GetRestApisCommand({}))).items!.find((a) => a.name === 'ConsoleImported')!;
      const hello = (await apig.send(new AG.GetResourcesCommand({ restApiId: api.id }))).items!.find((r) => r.path === '/hello')!;
      await open(`apis/${api.id}/resources/${hello.id}`);
      await page.getByRole('button', { name: 'Enable CORS' }).click();
      const form = page.getByRole('form', { name: 'Enable CORS on /hello' });
      assert.equal(await form.getByLabel('Access-Control-Allow-Headers').inputValue(), 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token');
      assert.equal(await form.getByLabel('Access-Control-Allow-Origin').inputValue(), '*');
      assert.ok(await form.getByLabel('GET').isChecked());
      assert.ok(await form.getByLabel('OPTIONS').isDisabled());
      await form.getByLabel('Default 4XX').check();
      await form.getByLabel('Default 5XX').check();
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByText('CORS enabled on /hello').waitFor();
      await page.getByRole('tree').getByRole('treeitem', { name: /OPTIONS/ }).waitFor();
      await shot('14-enable-cors');

      // What the management API now has, as any client sees it.
      const options = await apig.send(new AG.GetMethodCommand({ restApiId: api.id, resourceId: hello.id, httpMethod: 'OPTIONS' }));
      assert.equal(options.authorizationType, 'NONE');
      assert.equal(options.methodIntegration?.type, 'MOCK');
      assert.deepEqual(options.methodIntegration?.requestTemplates, { 'application/json': '{"statusCode": 200}' });
      const preflightMapping = await apig.send(new AG.GetIntegrationResponseCommand({ restApiId: api.id, resourceId: hello.id, httpMethod: 'OPTIONS', statusCode: '200' }));
      assert.deepEqual(preflightMapping.responseParameters, {
        'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'",
        'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'",
        'method.response.header.Access-Control-Allow-Origin': "'*'",
      });
      const getMapping = await apig.send(new AG.GetIntegrationResponseCommand({ restApiId: api.id, resourceId: hello.id, httpMethod: 'GET', statusCode: '200' }));
      assert.equal(getMapping.responseParameters?.['method.response.header.Access-Control-Allow-Origin'], "'*'");
      for (const responseType of ['DEFAULT_4XX', 'DEFAULT_5XX'] as const) {
        const g = await apig.send(new AG.GetGatewayResponseCommand({ restApiId: api.id, responseType }));
        assert.equal(g.responseParameters?.['gatewayresponse.header.Access-Control-Allow-Origin'], "'*'", responseType);
      }

      // Saving again is safe: nothing left to change.
      await form.getByRole('button', { name: 'Save' }).click();
      await form.getByText('CORS was already enabled with these values').waitFor();

      // Deployed, the stage answers a browser's preflight.
      await apig.send(new AG.CreateDeploymentCommand({ restApiId: api.id, stageName: 'prod', description: 'CORS' }));
      const invoke = `${s.url}/restapis/${api.id}/prod/_user_request_`;
      const preflight = await fetch(`${invoke}/hello`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'content-type,x-api-key' },
      });
      await preflight.arrayBuffer();
      assert.equal(preflight.status, 200);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,OPTIONS');
      assert.equal(preflight.headers.get('access-control-allow-headers'), 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token');
      const get = await fetch(`${invoke}/hello`);
      assert.deepEqual(await get.json(), { hello: 'world' });
      assert.equal(get.headers.get('access-control-allow-origin'), '*');
    } finally {
      apig.destroy();
    }
  });

  test("a stage's logging settings and access log format are saved with UpdateStage", async () => {
    const apig = sdk(AG.APIGatewayClient);
    try {
      const api = (await apig.send(new AG.GetRestApisCommand({}))).items!.find((a) => a.name === 'ConsoleImported')!;
      await open(`apis/${api.id}/stages/prod`);
      await page.getByRole('tab', { name: 'Logs and tracing' }).click();
      await page.getByLabel('CloudWatch logs').selectOption('INFO');
      await page.getByLabel('Detailed metrics (per method)').check();
      // As on AWS, a stage may not log before the account has its CloudWatch role: AWS's refusal is shown.
      await page.getByRole('button', { name: 'Save logging settings' }).click();
      await page.getByRole('alert').getByText('CloudWatch Logs role ARN must be set in account settings to enable logging').waitFor();
      await shot('15-stage-logs-no-role');
      const unchanged = await apig.send(new AG.GetStageCommand({ restApiId: api.id, stageName: 'prod' }));
      assert.deepEqual(unchanged.methodSettings ?? {}, {}, 'nothing of the refused patch was saved');
      await setCloudWatchRole(s.url);
      await page.getByRole('button', { name: 'Save logging settings' }).click();
      await page.getByText('Logging settings saved.').waitFor();

      await page.getByLabel('Custom access logging').check();
      await page.getByLabel('Access log destination ARN').fill('arn:aws:logs:us-east-1:000000000000:log-group:console-access');
      await page.getByLabel('Log format').fill('$context.status');
      await page.getByRole('button', { name: 'Save access logging' }).click();
      await page.getByRole('alert').getByText(/must include either \$context\.requestId or \$context\.extendedRequestId/).waitFor();
      await page.getByRole('button', { name: 'Use the JSON example format' }).click();
      const format = await page.getByLabel('Log format').inputValue();
      assert.match(format, /^\{ "requestId":"\$context\.requestId"/);
      await page.getByRole('button', { name: 'Save access logging' }).click();
      await page.getByText('Access logging saved.').waitFor();
      await shot('15-stage-logs');

      let stage = await apig.send(new AG.GetStageCommand({ restApiId: api.id, stageName: 'prod' }));
      assert.deepEqual(stage.accessLogSettings, { destinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:console-access', format });
      assert.equal(stage.methodSettings?.['*/*']?.loggingLevel, 'INFO');
      assert.equal(stage.methodSettings?.['*/*']?.metricsEnabled, true);

      // Another example format replaces the first; turning access logging off removes the settings.
      await page.getByRole('button', { name: 'Use the CLF example format' }).click();
      await page.getByRole('button', { name: 'Save access logging' }).click();
      await page.getByText('Access logging saved.').waitFor();
      stage = await apig.send(new AG.GetStageCommand({ restApiId: api.id, stageName: 'prod' }));
      assert.match(stage.accessLogSettings?.format ?? '', /^\$context\.identity\.sourceIp .* \$context\.requestId/);
      await page.getByLabel('Custom access logging').uncheck();
      await page.getByRole('button', { name: 'Save access logging' }).click();
      await page.getByText('Access logging saved.').waitFor();
      stage = await apig.send(new AG.GetStageCommand({ restApiId: api.id, stageName: 'prod' }));
      assert.equal(stage.accessLogSettings, undefined);
    } finally {
      apig.destroy();
    }
  });

  test('IAM roles and their policies', async () => {
    await open('iam/roles');
    await page.getByRole('heading', { level: 1, name: 'IAM roles' }).waitFor();
    await page.getByRole('link', { name: 'apigAwsProxyRole' }).click();
    await page.getByLabel('Who may assume this role').waitFor();
    assert.match(await page.getByLabel('Who may assume this role').inputValue(), /apigateway\.amazonaws\.com/);
    await page.getByRole('row', { name: /AmazonKinesisFullAccess/ }).getByRole('button', { name: 'View' }).click();
    await page.getByLabel(/Document of arn:aws:iam::aws:policy\/AmazonKinesisFullAccess/).waitFor();
    assert.match(await page.getByLabel(/Document of arn:aws:iam::aws:policy\/AmazonKinesisFullAccess/).inputValue(), /kinesis:\*/);

    // Add an inline policy, with a JSON mistake flagged first.
    await page.getByText('Add an inline policy').click();
    await page.getByLabel('Policy name').fill('console-read');
    const doc = page.getByLabel('Policy document');
    await doc.fill('{"Version": "2012-10-17", "Statement": [}');
    await page.getByText(/Not valid JSON: 1:\d+/).waitFor();
    await doc.fill(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kinesis:Get*', Resource: '*' }] }, null, 2));
    await page.getByRole('button', { name: 'Add policy' }).click();
    await page.getByRole('heading', { level: 3, name: 'console-read' }).waitFor();
    await shot('10-iam-role');
    await open('iam/roles');
    await page.getByRole('link', { name: 'apigAwsProxyRole' }).waitFor();
    await shot('11-iam-roles');
  });

  test('keyboard: the resource tree moves with the arrow keys', async () => {
    await open('apis');
    await page.getByRole('link', { name: 'KinesisProxy' }).click();
    const first = page.getByRole('treeitem', { name: '/', exact: true });
    await first.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /GET \/streams$/ }).waitFor();
  });

  test('no page errors and no requests beyond this server', () => {
    assert.deepEqual(errors.filter((e) => !/status of (4|5)\d\d/.test(e)), []);
    assert.deepEqual(external, []);
  });
});
