/**
 * What API Gateway would send to CloudWatch Logs about an invocation, written
 * to Sluice's log instead (there is no CloudWatch Logs here):
 *
 *  - an access log line, when the stage has accessLogSettings.format: to the
 *    --access-log file, or to the server log as an `access` record;
 *  - the execution log, as the method's logging level says: INFO writes every
 *    invocation's, with the request and response data lines only with
 *    dataTrace; ERROR writes "only error-level entries" (AWS's words): a
 *    failed invocation's error lines and the status it completed with. Under
 *    --log-level debug a failed invocation's record has its full log whatever
 *    the stage says (at debug when the stage logs nothing), so a 500 can be
 *    explained from the server's output.
 *
 * Only invocations through invoke URLs are logged, as on AWS (TestInvokeMethod
 * returns its log instead).
 */
import type { Logger, LogLevel } from '../server/logger.js';
import { renderAccessLog } from './access-log.js';
import type { InvokeResult } from './execute.js';
import { executionLogLines } from './execution-log.js';
import type { MethodLogSettings } from './method-settings.js';

export interface InvocationLogDeps {
  readonly logger: Logger;
  /** Where access log lines go; absent: the server log. */
  readonly accessLog?: (line: string) => void;
}

/** A failed invocation: a 5xx answer, or an integration that could not be reached or timed out. */
export function invocationFailed(result: InvokeResult): boolean {
  return result.status >= 500 || result.context['integrationErrorMessage'] !== undefined;
}

export function createInvocationLogs(deps: InvocationLogDeps): (result: InvokeResult, settings: MethodLogSettings) => void {
  const { logger } = deps;
  return (result, settings) => {
    const ids = {
      requestId: result.requestId,
      apiId: result.context['apiId'],
      stage: result.context['stage'],
      ...(result.context['resourcePath'] !== undefined ? { route: `${result.context['httpMethod']} ${result.context['resourcePath']}` } : {}),
    };

    const format = result.servedStage?.accessLogSettings?.format;
    if (format) {
      const line = renderAccessLog(format, result.context);
      if (deps.accessLog) deps.accessLog(line);
      else logger.record('info', 'access', { ...ids, msg: line }, line);
    }

    const failed = invocationFailed(result);
    let level: LogLevel;
    let lines: () => string[];
    if (failed && logger.enabled('debug')) {
      // Whoever runs the server at debug sees every line of a failure, whatever the stage logs.
      level = settings.loggingLevel === 'OFF' ? 'debug' : 'error';
      lines = () => executionLogLines(result.log, true);
    } else if (settings.loggingLevel === 'INFO') {
      level = failed ? 'error' : 'info';
      lines = () => executionLogLines(result.log, settings.dataTraceEnabled);
    } else if (settings.loggingLevel === 'ERROR' && failed) {
      level = 'error';
      lines = () => [...result.errorLines, ...executionLogLines(result.log, false).slice(-1)];
    } else {
      return;
    }
    if (!logger.enabled(level)) return;
    const written = lines();
    logger.record(level, 'execution', { ...ids, status: result.status, lines: written }, [`Execution log for request ${result.requestId}`, ...written].join('\n'));
  };
}
