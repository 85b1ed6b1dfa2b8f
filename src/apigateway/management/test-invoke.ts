/**
 * TestInvokeMethod: runs one method of the API's *current* state through the
 * same pipeline the stages use, without deploying it — as the console's Test
 * button does. The compiled form of each API state is cached until the API
 * changes (every edit replaces the stored object).
 */
import { compileStage, type CompiledStage } from '../compiled-stage.js';
import { badRequest } from '../errors.js';
import { canonicalHeaderName } from '../execute.js';
import type { RestApi } from '../model.js';
import { requireApiOfResource, type MethodAddress } from './addressing.js';
import { requireMethod, requireResource } from './lookups.js';
import type { ManagementContext } from './context.js';

const TEST_STAGE = 'test-invoke-stage';
/** Headers of the method response that TestInvokeMethod doesn't report (they belong to the HTTP exchange). */
const EXCHANGE_HEADERS = new Set(['x-amzn-requestid', 'x-amz-apigw-id']);
const SPELLING: Record<string, string> = { 'x-amzn-errortype': 'x-amzn-ErrorType' };
const compiledStates = new WeakMap<RestApi, CompiledStage>();

function compileCurrent(ctx: ManagementContext, api: RestApi): CompiledStage {
  let compiled = compiledStates.get(api);
  if (!compiled) {
    try {
      compiled = compileStage(
        { id: 'test-invoke-deployment', restApiId: api.id, createdDate: api.createdDate, api },
        { restApiId: api.id, stageName: TEST_STAGE, deploymentId: 'test-invoke-deployment', variables: {}, createdDate: 0, lastUpdatedDate: 0 },
        ctx.templates,
      );
    } catch (err) {
      throw badRequest(`Unable to test the method: ${(err as Error).message}`);
    }
    compiledStates.set(api, compiled);
  }
  return compiled;
}

interface TestInvokeInput extends MethodAddress {
  pathWithQueryString?: string;
  body?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  stageVariables?: Record<string, string>;
}

export async function testInvokeMethod(ctx: ManagementContext, input: TestInvokeInput): Promise<Record<string, unknown>> {
  // A concrete verb reaches the resource's ANY method, as a call would (recorded: test_failed_invoke_test_method).
  const api = await requireApiOfResource(ctx, input.restApiId);
  const resource = requireResource(api.resources, input.resourceId);
  requireMethod({ resourceMethods: { ...(resource.resourceMethods.ANY ? { [input.httpMethod]: resource.resourceMethods.ANY } : {}), ...resource.resourceMethods } }, input.httpMethod);
  const target = input.pathWithQueryString || resource.path;
  const q = target.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, values] of Object.entries(input.multiValueHeaders ?? {})) headers[k.toLowerCase()] = values.join(', ');
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  const result = await ctx.executor.invoke({
    apiId: api.id,
    stage: TEST_STAGE,
    httpMethod: input.httpMethod,
    path: q >= 0 ? target.slice(0, q) : target,
    rawQuery: q >= 0 ? target.slice(q + 1) : '',
    headers,
    body: Buffer.from(input.body ?? '', 'utf8'),
    stageVariables: input.stageVariables ?? {},
    compiled: compileCurrent(ctx, api),
    resourceId: resource.id,
  });
  const responseHeaders: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  // A gateway error answers TestInvoke with x-amzn-ErrorType alone; the Content-Type a caller
  // would get is not shown (recorded: test_failed_invoke_test_method).
  const gatewayError = 'x-amzn-errortype' in result.headers;
  for (const [k, v] of Object.entries(result.headers)) {
    if (EXCHANGE_HEADERS.has(k)) continue;
    if (gatewayError && k === 'content-type') continue;
    const name = SPELLING[k] ?? canonicalHeaderName(k);
    responseHeaders[name] = v;
    multiValueHeaders[name] = [v];
  }
  return {
    status: result.status,
    body: result.body.toString('utf8'),
    headers: responseHeaders,
    multiValueHeaders,
    log: result.log,
    latency: Math.round(result.latency),
  };
}
