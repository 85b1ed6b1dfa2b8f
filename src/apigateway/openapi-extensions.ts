/**
 * The OpenAPI side of authorizers and documentation (API Gateway developer
 * guide, "OpenAPI extensions to API Gateway"):
 *  - a security scheme with `x-amazon-apigateway-authorizer` (and
 *    `x-amazon-apigateway-authtype`) is an authorizer named after the scheme;
 *    an operation whose `security` names it uses it (CUSTOM, or
 *    COGNITO_USER_POOLS);
 *  - `x-amazon-apigateway-documentation` at the top lists documentation parts
 *    (`{version, documentationParts: [{location, properties}]}`).
 * Import and export share these helpers, so a definition round-trips.
 */
import { DOCUMENTATION_LOCATION_TYPES, type Authorizer, type AuthorizerType, type DocumentationPart, type RestApi } from './model.js';
import { newId } from './ids.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const TYPES: Readonly<Record<string, AuthorizerType>> = { token: 'TOKEN', request: 'REQUEST', cognito_user_pools: 'COGNITO_USER_POOLS' };

export interface ImportedAuthorizers {
  readonly authorizers: Record<string, Authorizer>;
  /** Security scheme name → authorizer id. */
  readonly idByScheme: ReadonlyMap<string, string>;
}

/** The authorizers a definition's security schemes declare; problems go to `errors` in AWS's import style. */
export function importAuthorizers(schemes: Json, errors: string[]): ImportedAuthorizers {
  const authorizers: Record<string, Authorizer> = {};
  const idByScheme = new Map<string, string>();
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!isObject(scheme) || !isObject(scheme['x-amazon-apigateway-authorizer'])) continue;
    const ext = scheme['x-amazon-apigateway-authorizer'];
    const type = TYPES[String(ext['type'] ?? 'token').toLowerCase()];
    if (!type) {
      errors.push(`Invalid authorizer type ${String(ext['type'])} for security scheme ${name}. Valid values are token, request and cognito_user_pools.`);
      continue;
    }
    const header = scheme['in'] === 'header' && typeof scheme['name'] === 'string' ? scheme['name'] : undefined;
    const identitySource = typeof ext['identitySource'] === 'string'
      ? ext['identitySource']
      : type !== 'REQUEST' && header ? `method.request.header.${header}` : undefined;
    const ttl = ext['authorizerResultTtlInSeconds'];
    const providerARNs = Array.isArray(ext['providerARNs']) ? ext['providerARNs'].filter((a): a is string => typeof a === 'string') : [];
    const authType = scheme['x-amazon-apigateway-authtype'];
    const a: Authorizer = {
      id: newId(6),
      name,
      type,
      ...(providerARNs.length ? { providerARNs } : {}),
      ...(typeof authType === 'string' ? { authType } : {}),
      ...(typeof ext['authorizerUri'] === 'string' ? { authorizerUri: ext['authorizerUri'] } : {}),
      ...(typeof ext['authorizerCredentials'] === 'string' ? { authorizerCredentials: ext['authorizerCredentials'] } : {}),
      ...(identitySource !== undefined ? { identitySource } : {}),
      ...(typeof ext['identityValidationExpression'] === 'string' ? { identityValidationExpression: ext['identityValidationExpression'] } : {}),
      authorizerResultTtlInSeconds: typeof ttl === 'number' ? ttl : 300,
    };
    if (type === 'COGNITO_USER_POOLS' ? providerARNs.length === 0 : a.authorizerUri === undefined) {
      errors.push(`Unable to create authorizer '${name}': ${type === 'COGNITO_USER_POOLS' ? 'providerARNs' : 'authorizerUri'} is required for type ${String(ext['type'] ?? 'token')}.`);
      continue;
    }
    authorizers[a.id] = a;
    idByScheme.set(name, a.id);
  }
  return { authorizers, idByScheme };
}

/** The documentation parts of a definition's `x-amazon-apigateway-documentation`. */
export function importDocumentation(extension: unknown, warnings: string[]): Record<string, DocumentationPart> {
  const out: Record<string, DocumentationPart> = {};
  if (!isObject(extension) || !Array.isArray(extension['documentationParts'])) return out;
  for (const entry of extension['documentationParts']) {
    const loc = isObject(entry) && isObject(entry['location']) ? entry['location'] : undefined;
    const type = loc?.['type'];
    if (!loc || typeof type !== 'string' || !(DOCUMENTATION_LOCATION_TYPES as readonly string[]).includes(type) || !isObject(entry['properties'])) {
      warnings.push('Invalid documentation part: it needs a location of a known type and properties.');
      continue;
    }
    const location: Json = { type };
    for (const k of ['path', 'method', 'statusCode', 'name']) if (typeof loc[k] === 'string') location[k] = loc[k];
    const id = newId(6);
    out[id] = { id, location: location as unknown as DocumentationPart['location'], properties: JSON.stringify(entry['properties']) };
  }
  return out;
}

/** The security scheme an authorizer exports as. */
export function exportAuthorizer(a: Authorizer): Json {
  const header = /^method\.request\.header\.(.+)$/.exec(a.identitySource ?? '')?.[1];
  const ext: Json = { type: a.type.toLowerCase() };
  if (a.authorizerUri !== undefined) ext['authorizerUri'] = a.authorizerUri;
  if (a.authorizerCredentials !== undefined) ext['authorizerCredentials'] = a.authorizerCredentials;
  if (a.type === 'REQUEST' && a.identitySource !== undefined) ext['identitySource'] = a.identitySource;
  if (a.identityValidationExpression !== undefined) ext['identityValidationExpression'] = a.identityValidationExpression;
  if (a.providerARNs?.length) ext['providerARNs'] = [...a.providerARNs];
  if (a.authorizerResultTtlInSeconds !== undefined) ext['authorizerResultTtlInSeconds'] = a.authorizerResultTtlInSeconds;
  return {
    type: 'apiKey',
    name: a.type === 'REQUEST' ? 'Unused' : (header ?? 'Authorization'),
    in: 'header',
    'x-amazon-apigateway-authtype': a.authType ?? (a.type === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom'),
    'x-amazon-apigateway-authorizer': ext,
  };
}

/** `x-amazon-apigateway-documentation`, or undefined when the API has no parts. */
export function exportDocumentation(api: RestApi): Json | undefined {
  const parts = Object.values(api.documentationParts ?? {});
  if (!parts.length) return undefined;
  return {
    documentationParts: parts.map((p) => {
      let properties: unknown;
      try {
        properties = JSON.parse(p.properties);
      } catch {
        properties = {};
      }
      return { location: { ...p.location }, properties };
    }),
  };
}
