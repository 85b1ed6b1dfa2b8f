/**
 * Method request validation: required parameters and body models (JSON Schema
 * draft 4), switched on by the method's request validator. Messages are AWS's.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Model, RequestValidator } from './model.js';

// ajv-draft-04 is CommonJS with a default export; under NodeNext the class may sit on `.default`.
type AjvCtor = new (opts: Record<string, unknown>) => {
  addSchema(schema: object, key: string): unknown;
  getSchema(key: string): ValidateFunction | undefined;
};
const require = createRequire(import.meta.url);
/** ajv is loaded the first time a body is validated: most APIs never validate one. */
let Ajv04: AjvCtor | undefined;
function ajvClass(): AjvCtor {
  if (!Ajv04) {
    const mod = require('ajv-draft-04') as { default?: AjvCtor } & AjvCtor;
    Ajv04 = mod.default ?? mod;
  }
  return Ajv04;
}

function modelKey(apiId: string, name: string): string {
  return `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`;
}

function newAjv(): InstanceType<AjvCtor> {
  // AWS doesn't reject unknown keywords or formats in models.
  return new (ajvClass())({ allErrors: true, strict: false, validateFormats: false, logger: false });
}

/**
 * Compiles the validator for one model, with every model of the API
 * registered so cross-model $refs resolve. Throws on an invalid schema.
 */
export function compileModelSchema(apiId: string, models: Record<string, Model>, name: string): ValidateFunction {
  return new ModelValidators(apiId, models).get(name);
}

/** All of an API's models, compiled lazily and cached (one per deployment). */
export class ModelValidators {
  private ajv: ReturnType<typeof newAjv> | undefined;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly apiId: string, private readonly models: Record<string, Model>) {}

  /** Every model registered on first use, so cross-model $refs resolve. */
  private instance(): ReturnType<typeof newAjv> {
    if (!this.ajv) {
      this.ajv = newAjv();
      for (const m of Object.values(this.models)) {
        const schema = JSON.parse(m.schema) as Record<string, unknown>;
        // The model's own "$schema"/"id" must not fight with the key we register it under.
        const { $schema: _s, id: _id, ...rest } = schema;
        this.ajv.addSchema(rest, modelKey(this.apiId, m.name));
      }
    }
    return this.ajv;
  }

  get(name: string): ValidateFunction {
    let v = this.compiled.get(name);
    if (!v) {
      v = this.instance().getSchema(modelKey(this.apiId, name));
      if (!v) throw new Error(`Model ${name} not found`);
      this.compiled.set(name, v);
    }
    return v;
  }
}

export interface ParameterCheckInput {
  readonly path: Record<string, string>;
  readonly querystring: Record<string, string[]>;
  /** Lower-cased names. */
  readonly header: Record<string, string[]>;
}

/** Names of required parameters that are absent or blank, in AWS's order (sorted by full key). */
export function missingRequiredParameters(requestParameters: Record<string, boolean>, input: ParameterCheckInput): string[] {
  const missing: string[] = [];
  for (const key of Object.keys(requestParameters).sort()) {
    if (!requestParameters[key]) continue;
    const m = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(key);
    if (!m) continue;
    const [, loc, name] = m as unknown as [string, string, string];
    let value: string | undefined;
    if (loc === 'path') value = input.path[name];
    else if (loc === 'querystring') value = last(input.querystring[name]);
    else value = last(input.header[name.toLowerCase()]);
    if (value === undefined || value.trim() === '') missing.push(name);
  }
  return missing;
}

function last(v: string[] | undefined): string | undefined {
  return v && v.length ? v[v.length - 1] : undefined;
}

export type BodyCheck =
  | { readonly ok: true; readonly contentType: string; readonly checked: boolean }
  | { readonly ok: false; readonly contentType: string; readonly errors: string };

/** Validates a body against the method's model for its content type (empty body = `{}`). */
export function checkBody(
  validators: ModelValidators,
  requestModels: Record<string, string>,
  contentType: string,
  body: string,
): BodyCheck {
  const modelName = requestModels[contentType] ?? requestModels['$default'];
  if (!modelName || modelName === 'Empty') return { ok: true, contentType, checked: false };
  let value: unknown;
  try {
    value = body.trim() === '' ? {} : JSON.parse(body);
  } catch (err) {
    return { ok: false, contentType, errors: `[Invalid JSON: ${(err as Error).message}]` };
  }
  const validate = validators.get(modelName);
  if (validate(value)) return { ok: true, contentType, checked: true };
  return { ok: false, contentType, errors: `[${(validate.errors ?? []).map(describeError).join(', ')}]` };
}

function describeError(e: ErrorObject): string {
  const at = e.instancePath ? `instance ${JSON.stringify(e.instancePath)} ` : '';
  return `${at}${e.message ?? 'is invalid'}`;
}

export function validatorFlags(v: RequestValidator | undefined): { body: boolean; params: boolean } {
  return { body: v?.validateRequestBody === true, params: v?.validateRequestParameters === true };
}
