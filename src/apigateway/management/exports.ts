/**
 * GetExport: a stage's deployed API as OpenAPI 3.0 (`oas30`) or Swagger 2.0
 * (`swagger`), JSON or YAML by the Accept header. As on AWS, the API
 * Gateway extensions are left out unless asked for: `extensions=integrations`
 * keeps the integrations (and the other x-amazon-apigateway-* settings a
 * re-import needs), `extensions=apigateway` keeps every extension.
 */
import { stringify as toYaml } from 'yaml';
import { badRequest } from '../errors.js';
import { exportOpenApi } from '../export-openapi.js';
import type { ApiAddress } from './addressing.js';
import type { ManagementContext } from './context.js';
import { requireDeployment, requireStage } from './lookups.js';

const FORMATS: Record<string, 'oas30' | 'swagger20'> = { oas30: 'oas30', swagger: 'swagger20' };

/** Removes extension keys `keep` refuses, at every depth. */
function withExtensions(value: unknown, keep: (key: string) => boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => withExtensions(v, keep));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('x-') && !keep(k)) continue;
    out[k] = withExtensions(v, keep);
  }
  return out;
}

function extensionFilter(extensions: string | undefined): (key: string) => boolean {
  const wanted = new Set((extensions ?? '').split(',').map((e) => e.trim()).filter(Boolean));
  // Sluice's own extension (the execution roles a re-deploy needs) goes with "every extension".
  if (wanted.has('apigateway')) return (k) => k.startsWith('x-amazon-apigateway-') || k.startsWith('x-sluice-');
  if (wanted.has('integrations')) return (k) => k.startsWith('x-amazon-apigateway-') && k !== 'x-amazon-apigateway-authorizer';
  return () => false;
}

export async function getExport(
  ctx: ManagementContext,
  input: ApiAddress & { stageName: string; exportType: string; parameters?: Record<string, string>; accepts?: string },
): Promise<Record<string, unknown>> {
  const format = FORMATS[input.exportType];
  if (!format) throw badRequest(`Invalid export type specified: ${input.exportType}. Valid values are oas30 and swagger`);
  const stage = await requireStage(ctx, input.restApiId, input.stageName);
  const deployment = await requireDeployment(ctx, input.restApiId, stage.deploymentId);
  const doc = exportOpenApi(deployment.api, format, {
    server: { host: `${deployment.api.id}.execute-api.${ctx.region}.amazonaws.com`, stage: stage.stageName },
  });
  const filtered = withExtensions(doc, extensionFilter(input.parameters?.['extensions']));
  const yaml = /yaml/i.test(input.accepts ?? '');
  const body = yaml ? toYaml(filtered) : JSON.stringify(filtered, null, 2);
  const extension = yaml ? 'yaml' : 'json';
  return {
    contentType: yaml ? 'application/yaml' : 'application/json',
    contentDisposition: `attachment; filename="${input.exportType}_${new Date(deployment.createdDate * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}.${extension}"`,
    body: Buffer.from(body),
  };
}
