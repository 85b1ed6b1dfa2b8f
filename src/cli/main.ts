#!/usr/bin/env node
/** The `sluice` command. */
import { Command } from 'commander';
import { startSluice } from '../server/app.js';
import { createLogger, type Logger, type LogSink } from '../server/logger.js';
import { version } from '../server/version.js';
import { addStartOptions, configFromFlags, type StartFlags } from './config.js';

/** The banner goes to stdout, as it always has (scripts wait for it there); every other record to stderr. */
const consoleSink: LogSink = (line, record) => (record.type === 'startup' ? process.stdout : process.stderr).write(`${line}\n`);

/** Set once `sluice start` has read its options, so a failure to start is logged in the chosen format. */
let logger: Logger | undefined;

const program = new Command('sluice')
  .description('API Gateway, Kinesis Data Streams and IAM on one local port, exact to AWS')
  .version(version);

addStartOptions(
  program.command('start').description('run Sluice (Kinesis + the KinesisProxy API unless --api is given)'),
).action(async (flags: StartFlags) => {
  const config = configFromFlags(flags);
  logger = createLogger({ level: config.logLevel, format: config.logFormat, sink: consoleSink });
  const log = logger;
  const sluice = await startSluice(config, { logger: log });
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
  // Shown once, on the start that created them (they are kept in the data dir): a warning, so that
  // --log-level warn still shows them.
  const credentials = root.source === 'generated'
    ? [
      '  root credentials (generated now, shown once; kept in the data dir):',
      `    AWS_ACCESS_KEY_ID=${root.accessKeyId}`,
      `    AWS_SECRET_ACCESS_KEY=${root.secretAccessKey}`,
    ]
    : [];
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing in-flight requests and closing storage`);
    sluice.close().then(
      () => process.exit(0),
      (e) => {
        log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // The banner last: whoever waits for it may signal at once, and the handlers are in place.
  const apis = sluice.deployedApis().map(({ id, name, stage, invokeUrl }) => ({ id, name, stage, invokeUrl }));
  log.record('info', 'startup', { msg: lines.join('\n'), version, url: sluice.url, dataDir: config.dataDir ?? null, auth: config.auth, apis }, lines.join('\n'));
  if (credentials.length > 0) log.message('warn', credentials.join('\n'), 'startup');
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
  const message = `sluice: ${e instanceof Error ? e.message : String(e)}`;
  if (logger) logger.error(message);
  else console.error(message);
  process.exit(1);
});
