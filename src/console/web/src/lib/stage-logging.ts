/**
 * A stage's "Logs and tracing" settings as UpdateStage patches them: access logging
 * (`/accessLogSettings/destinationArn`, `/accessLogSettings/format`, `remove /accessLogSettings`),
 * the CloudWatch settings of every method (`/{resourcePath}/{httpMethod}/logging/loglevel`,
 * `.../logging/dataTrace` and `.../metrics/enabled`, with `*` for both parts) and X-Ray tracing
 * (`/tracingEnabled`). Only what changed is sent.
 */
import { accessLogDestinationProblem, accessLogFormatProblem } from '../../../../apigateway/access-log-settings.js';
import type { PatchOperation, Stage } from '../clients/apigateway-types.js';

/** The example formats the API Gateway console offers (its developer guide, "Access logging for REST APIs"), each on one line as AWS requires. */
export const ACCESS_LOG_FORMATS = [
  {
    id: 'CLF',
    format:
      '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId',
  },
  {
    id: 'JSON',
    format:
      '{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId", "ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }',
  },
  {
    id: 'XML',
    format:
      '<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>',
  },
  {
    id: 'CSV',
    format:
      '$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId',
  },
] as const;

export interface AccessLogDraft {
  readonly enabled: boolean;
  readonly destinationArn: string;
  readonly format: string;
}

export function accessLogDraft(stage: Stage): AccessLogDraft {
  const s = stage.accessLogSettings;
  return { enabled: Boolean(s?.destinationArn || s?.format), destinationArn: s?.destinationArn ?? '', format: s?.format ?? '' };
}

/** What UpdateStage would refuse, said before anything is sent: the server's own checks (src/apigateway/access-log-settings.ts), in its words. */
export function accessLogProblems(d: AccessLogDraft): string[] {
  if (!d.enabled) return [];
  const problems: string[] = [];
  const arn = d.destinationArn.trim();
  if (arn === '') problems.push('Enter the ARN of a CloudWatch Logs log group or a Firehose stream.');
  else {
    const problem = accessLogDestinationProblem(arn);
    if (problem) problems.push(problem);
  }
  if (d.format.trim() === '') problems.push('Enter a log format, or choose one of the examples.');
  else {
    const problem = accessLogFormatProblem(d.format);
    if (problem) problems.push(problem);
  }
  return problems;
}

export function accessLogPatch(stage: Stage, d: AccessLogDraft): PatchOperation[] {
  const now = stage.accessLogSettings;
  if (!d.enabled) return now ? [{ op: 'remove', path: '/accessLogSettings' }] : [];
  const ops: PatchOperation[] = [];
  if (d.destinationArn.trim() !== (now?.destinationArn ?? '')) ops.push({ op: 'replace', path: '/accessLogSettings/destinationArn', value: d.destinationArn.trim() });
  if (d.format !== (now?.format ?? '')) ops.push({ op: 'replace', path: '/accessLogSettings/format', value: d.format });
  return ops;
}

export const LOG_LEVELS = [
  { value: 'OFF', label: 'Off' },
  { value: 'ERROR', label: 'Errors only' },
  { value: 'INFO', label: 'Errors and info logs' },
] as const;

export interface StageLogging {
  /** CloudWatch logs: OFF, ERROR or INFO. */
  readonly logLevel: string;
  /** Full requests and responses in the logs. */
  readonly dataTrace: boolean;
  /** Detailed CloudWatch metrics (per method). */
  readonly detailedMetrics: boolean;
  /** X-Ray tracing. */
  readonly tracing: boolean;
}

/** The settings that apply to every method: the stage's method settings under the key for all of them. */
export function stageLogging(stage: Stage): StageLogging {
  const all = stage.methodSettings?.['*/*'];
  return {
    logLevel: all?.loggingLevel ?? 'OFF',
    dataTrace: all?.dataTraceEnabled ?? false,
    detailedMetrics: all?.metricsEnabled ?? false,
    tracing: stage.tracingEnabled ?? false,
  };
}

export function stageLoggingPatch(before: StageLogging, after: StageLogging): PatchOperation[] {
  const ops: PatchOperation[] = [];
  if (after.logLevel !== before.logLevel) ops.push({ op: 'replace', path: '/*/*/logging/loglevel', value: after.logLevel });
  if (after.dataTrace !== before.dataTrace) ops.push({ op: 'replace', path: '/*/*/logging/dataTrace', value: String(after.dataTrace) });
  if (after.detailedMetrics !== before.detailedMetrics) ops.push({ op: 'replace', path: '/*/*/metrics/enabled', value: String(after.detailedMetrics) });
  if (after.tracing !== before.tracing) ops.push({ op: 'replace', path: '/tracingEnabled', value: String(after.tracing) });
  return ops;
}
