/**
 * Gateway responses: the errors API Gateway itself produces (missing route,
 * validation, unsupported media type, integration failures...). An API may
 * customise a type or DEFAULT_4XX/DEFAULT_5XX; templates are plain
 * `$context.x` / `$stageVariables.x` substitution, not VTL.
 */
import { compileMappings, evaluateSource, type CompiledMapping, type MappingInput } from './mapping.js';
import type { GatewayResponse, GatewayResponseType } from './model.js';

const DEFAULT_STATUS: Record<GatewayResponseType, number | undefined> = {
  ACCESS_DENIED: 403, API_CONFIGURATION_ERROR: 500, AUTHORIZER_CONFIGURATION_ERROR: 500, AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_PARAMETERS: 400, BAD_REQUEST_BODY: 400, DEFAULT_4XX: undefined, DEFAULT_5XX: undefined,
  EXPIRED_TOKEN: 403, INTEGRATION_FAILURE: 504, INTEGRATION_TIMEOUT: 504, INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403, MISSING_AUTHENTICATION_TOKEN: 403, QUOTA_EXCEEDED: 429, REQUEST_TOO_LARGE: 413,
  RESOURCE_NOT_FOUND: 404, THROTTLED: 429, UNAUTHORIZED: 401, UNSUPPORTED_MEDIA_TYPE: 415, WAF_FILTERED: 403,
};

/** x-amzn-ErrorType per type (AWS-recorded where known). */
const ERROR_TYPE: Partial<Record<GatewayResponseType, string>> = {
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  BAD_REQUEST_PARAMETERS: 'BadRequestException',
  BAD_REQUEST_BODY: 'BadRequestException',
  UNSUPPORTED_MEDIA_TYPE: 'UnsupportedMediaTypeException',
  INVALID_API_KEY: 'ForbiddenException',
  ACCESS_DENIED: 'AccessDeniedException',
  THROTTLED: 'TooManyRequestsException',
  QUOTA_EXCEEDED: 'LimitExceededException',
  UNAUTHORIZED: 'UnauthorizedException',
  RESOURCE_NOT_FOUND: 'NotFoundException',
  REQUEST_TOO_LARGE: 'RequestTooLargeException',
  INVALID_SIGNATURE: 'InvalidSignatureException',
  EXPIRED_TOKEN: 'ExpiredTokenException',
  WAF_FILTERED: 'ForbiddenException',
  AUTHORIZER_CONFIGURATION_ERROR: 'AuthorizerConfigurationException',
};

/**
 * AWS's own bodies differ in one space: the 403 for a missing route is
 * `{"message":"Missing Authentication Token"}` while the others read
 * `{"message": "..."}` (both recorded from AWS).
 */
const COMPACT_TEMPLATE = '{"message":$context.error.messageString}';
const SPACED_TEMPLATE = '{"message": $context.error.messageString}';
/**
 * Types answered with the compact body: the missing route (recorded), and the
 * refusals of API keys, throttling and quotas, which AWS answers from the
 * default template GetGatewayResponses shows (`{"message":$context.error.messageString}`):
 * `{"message":"Forbidden"}`, `{"message":"Too Many Requests"}`, `{"message":"Limit Exceeded"}`.
 */
const COMPACT_TYPES: ReadonlySet<GatewayResponseType> = new Set(['MISSING_AUTHENTICATION_TOKEN', 'INVALID_API_KEY', 'THROTTLED', 'QUOTA_EXCEEDED']);

export interface GatewayError {
  readonly type: GatewayResponseType;
  readonly message: string;
  readonly validationErrorString?: string;
  /** Status when the API doesn't customise this type (default: the type's own). */
  readonly defaultStatus?: number;
}

interface CompiledGatewayResponse {
  readonly statusCode?: number;
  readonly headers: readonly CompiledMapping[];
  readonly templates: Record<string, string>;
}

export class GatewayResponses {
  private readonly custom: Partial<Record<GatewayResponseType, CompiledGatewayResponse>> = {};

  constructor(defs: Partial<Record<GatewayResponseType, GatewayResponse>>) {
    for (const [type, def] of Object.entries(defs) as Array<[GatewayResponseType, GatewayResponse]>) {
      this.custom[type] = {
        ...(def.statusCode ? { statusCode: Number(def.statusCode) } : {}),
        headers: compileMappings(def.responseParameters, 'gatewayResponse'),
        templates: def.responseTemplates,
      };
    }
  }

  /** Builds the response for `error`; `input` gives the method request and context for mappings. */
  render(error: GatewayError, input: MappingInput, accept: string | undefined): { status: number; headers: Record<string, string>; body: string } {
    const typed = this.custom[error.type];
    const baseStatus = error.defaultStatus ?? DEFAULT_STATUS[error.type] ?? 500;
    const fallback = this.custom[baseStatus < 500 ? 'DEFAULT_4XX' : 'DEFAULT_5XX'];
    const status = typed?.statusCode ?? fallback?.statusCode ?? baseStatus;

    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const errorType = ERROR_TYPE[error.type] ?? (status >= 500 ? 'InternalServerErrorException' : undefined);
    if (errorType) headers['x-amzn-errortype'] = errorType;
    const context = {
      ...input.context,
      error: {
        message: error.message,
        // AWS answers an authorizer it could not run with {"message": null}.
        messageString: error.type === 'AUTHORIZER_CONFIGURATION_ERROR' ? 'null' : JSON.stringify(error.message),
        responseType: error.type,
        validationErrorString: error.validationErrorString ?? '',
      },
    };
    const mapInput: MappingInput = { ...input, context };
    for (const layer of [fallback, typed]) {
      if (!layer) continue;
      for (const m of layer.headers) {
        const v = evaluateSource(m.source, mapInput, {});
        if (v !== undefined) headers[m.target.name.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      }
    }
    const templates = typed && Object.keys(typed.templates).length ? typed.templates
      : fallback && Object.keys(fallback.templates).length ? fallback.templates : undefined;
    let template = COMPACT_TYPES.has(error.type) ? COMPACT_TEMPLATE : SPACED_TEMPLATE;
    if (templates) {
      const key = (accept ?? 'application/json').split(',')[0]!.split(';')[0]!.trim().toLowerCase();
      const chosen = templates[key] ?? Object.entries(templates)[0]!;
      template = typeof chosen === 'string' ? chosen : chosen[1];
      if (typeof chosen !== 'string' && !templates[key]) headers['content-type'] = chosen[0];
    }
    return { status, headers, body: substitute(template, context, input.stageVariables) };
  }
}

/** `$context.a.b`, `${context.a.b}`, `$stageVariables.x` and `${stageVariables.x}` substitution. */
function substitute(template: string, context: Record<string, unknown>, stageVariables: Record<string, string>): string {
  return template.replace(
    /\$\{(context|stageVariables)((?:\.[A-Za-z0-9_-]+)+)\}|\$(context|stageVariables)((?:\.[A-Za-z0-9_-]+)+)/g,
    (_whole, r1: string | undefined, p1: string | undefined, r2: string | undefined, p2: string | undefined) => {
      const root = r1 ?? r2!;
      const path = p1 ?? p2!;
      let v: unknown = root === 'context' ? context : stageVariables;
      for (const p of path.slice(1).split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      return v === undefined || v === null ? '' : String(v);
    },
  );
}
