/**
 * What API Gateway would send to CloudWatch Logs about an invocation, written
 * to Sluice's log instead (there is no CloudWatch Logs here):
 *
 *  - an access log line, when the stage has accessLogSettings.format: to the
 *    --access-log file, or to the server log as an `access` record;
 *  - the execution log, as the method's logging level says: INFO writes every
 *    invocation's, ERROR only failed ones'; the request and response data
 *    lines only with dataTrace. With neither, a failed invocation's full log
 *    is still written at debug, so a 500 can be explained from the output.
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
    let level: LogLevel | undefined;
    let dataTrace = settings.dataTraceEnabled;
    if (settings.loggingLevel === 'INFO') level = failed ? 'error' : 'info';
    else if (settings.loggingLevel === 'ERROR' && failed) level = 'error';
    else if (failed && logger.enabled('debug')) {
      level = 'debug';
      dataTrace = true;
    }
    if (level === undefined || !logger.enabled(level)) return;
    const lines = executionLogLines(result.log, dataTrace);
    logger.record(level, 'execution', { ...ids, status: result.status, lines }, [`Execution log for request ${result.requestId}`, ...lines].join('\n'));
  };
}
