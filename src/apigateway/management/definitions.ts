/**
 * ImportRestApi and PutRestApi carry a whole OpenAPI definition. It is parsed
 * once, when the call is authorized (the roles it names need iam:PassRole),
 * and the handler stores exactly what was parsed.
 */
import { badRequest } from '../errors.js';
import { importOpenApiOffLoop } from '../import-worker.js';
import type { RestApi } from '../model.js';
import type { ManagementContext } from './context.js';

export interface ImportInput {
  body: Buffer;
  failOnWarnings?: boolean;
  parameters?: Record<string, string>;
}

export interface ImportedDefinition {
  readonly api: RestApi;
  readonly warnings: readonly string[];
}

/** Imports a definition; AWS lists what it ignored as `warnings`, or refuses them with failonwarnings=true. */
export async function importDefinition(ctx: Pick<ManagementContext, 'region' | 'accountId' | 'templates'>, input: ImportInput, id?: string): Promise<ImportedDefinition> {
  const result = await importOpenApiOffLoop(input.body.toString('utf8'), {
    ...(id !== undefined ? { id } : {}),
    region: ctx.region,
    accountId: ctx.accountId,
    templates: ctx.templates,
  });
  if (input.failOnWarnings && result.warnings.length > 0) {
    throw badRequest(`Warnings found during import:\n\t${result.warnings.join('\n\t')}`);
  }
  const endpointType = input.parameters?.['endpointConfigurationTypes'];
  const api = endpointType ? { ...result.api, endpointConfiguration: { types: [endpointType.toUpperCase()] } } : result.api;
  return { api, warnings: result.warnings };
}
