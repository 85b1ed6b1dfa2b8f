#!/usr/bin/env node
/** The `sluice` command. */
import { Command } from 'commander';
import { startSluice } from '../server/app.js';
import { version } from '../server/version.js';
import { addStartOptions, configFromFlags, type StartFlags } from './config.js';

const program = new Command('sluice')
  .description('API Gateway, Kinesis Data Streams and IAM on one local port, exact to AWS')
  .version(version);

addStartOptions(
  program.command('start').description('run Sluice (Kinesis + the KinesisProxy API unless --api is given)'),
).action(async (flags: StartFlags) => {
  const config = configFromFlags(flags);
  const sluice = await startSluice(config, { log: (l) => console.error(l) });
  const lines = [
    `Sluice ${version} listening on ${sluice.url}`,
    `  endpoint for AWS clients: AWS_ENDPOINT_URL=${sluice.url}`,
    `  Kinesis:     ${sluice.url}  (X-Amz-Target: Kinesis_20131202.*)`,
    `  health:      ${sluice.url}/_sluice/health`,
    `  console:     ${sluice.url}/_sluice/console/`,
    config.store?.kind === 'nats'
      ? `  store:       NATS JetStream ${config.store.servers.join(',')} (cluster mode: docs/cluster.md)`
      : `  data dir:    ${config.dataDir ?? '(in memory)'}`,
    ...sluice.deployedApis().flatMap((a) => [
      `  API ${a.name} (${a.id}) stage ${a.stage}: ${a.invokeUrl}`,
      ...(config.auth === 'sigv4'
        ? [a.openMethods.length === 0
          ? '    every method requires a SigV4 signature and execute-api:Invoke (AWS_IAM)'
          : `    OPEN to anyone who can reach the port (authorizationType NONE): ${a.openMethods.join(', ')}`]
        : []),
    ]),
    `  auth:        ${config.auth === 'sigv4'
      ? 'sigv4 (every call to Kinesis, IAM, STS and API Gateway management must be signed and is authorized by IAM policies)'
      : 'off (any credentials are accepted; nothing is authorized)'}`,
  ];
  const root = sluice.iam.rootCredentials;
  if (root.source === 'generated') {
    // Shown once, on the start that created them; they are kept in the data dir.
    lines.push(
      '  root credentials (generated now, shown once; kept in the data dir):',
      `    AWS_ACCESS_KEY_ID=${root.accessKeyId}`,
      `    AWS_SECRET_ACCESS_KEY=${root.secretAccessKey}`,
    );
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: finishing in-flight requests and closing storage`);
    sluice.close().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // The banner last: whoever waits for it may signal at once, and the handlers are in place.
  console.log(lines.join('\n'));
});

program
  .command('lint')
  .description('compile every mapping template in an OpenAPI/Swagger definition and report each problem with where it is')
  .argument('<file>', 'OpenAPI 3.0 or Swagger 2.0, JSON or YAML')
  .action(async (file: string) => {
    // Loaded here so `sluice start` does not pay for the linter.
    const { lintFile, formatProblems } = await import('../vtl/lint.js');
    const problems = await lintFile(file);
    console.log(problems.length > 0 ? formatProblems(problems) : `${file}: no problems`);
    process.exitCode = problems.some((p) => p.severity === 'error') ? 1 : 0;
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`sluice: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
