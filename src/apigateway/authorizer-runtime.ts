/**
 * Methods protected by an authorizer Sluice cannot run: a Lambda authorizer
 * (authorizationType CUSTOM, TOKEN or REQUEST) or a Cognito user pool
 * (COGNITO_USER_POOLS). Sluice runs neither Lambda nor Cognito, so such a
 * method answers as AWS does when its authorizer fails to run:
 *
 *  - 500 `{"message": null}` with x-amzn-ErrorType AuthorizerConfigurationException,
 *    gateway response AUTHORIZER_CONFIGURATION_ERROR (AWS's answer when the
 *    authorizer can't be invoked or returns nothing usable: quoted in
 *    aws/chalice#670, auth0-samples/jwt-rsa-aws-custom-authorizer#6,
 *    serverless/serverless#829; the execution log ends "AuthorizerConfigurationException",
 *    ExpanseLLC/lambda_authorizer#1);
 *  - except where AWS refuses before calling the authorizer at all (developer
 *    guide, "Input to an API Gateway Lambda authorizer" / Cognito user pool
 *    authorizers): a TOKEN authorizer's header or a Cognito authorizer's token
 *    missing or empty, a token not matching identityValidationExpression, or a
 *    REQUEST authorizer with caching on missing one of its identity sources,
 *    is 401 `{"message":"Unauthorized"}` (gateway response UNAUTHORIZED).
 */
import type { GatewayError } from './gateway-responses.js';
import type { MappingInput } from './mapping.js';
import type { Authorizer, Method, RestApi } from './model.js';

export interface AuthorizerRefusal {
  readonly error: GatewayError;
  readonly logLine: string;
}

/** The value an identity source expression names, or undefined when the request lacks it. */
function identityValue(source: string, input: MappingInput): string | undefined {
  const m = /^method\.request\.(header|querystring)\.(.+)$/.exec(source.trim());
  if (m) {
    if (m[1] === 'header') {
      const wanted = m[2]!.toLowerCase();
      const entry = Object.entries(input.header).find(([k]) => k.toLowerCase() === wanted);
      return entry?.[1]?.[0];
    }
    return input.querystring[m[2]!]?.[0];
  }
  const s = /^stageVariables\.(.+)$/.exec(source.trim());
  if (s) return input.stageVariables[s[1]!];
  const c = /^context\.(.+)$/.exec(source.trim());
  if (c) {
    const v = input.context[c[1]!];
    return v === undefined || v === null ? undefined : String(v);
  }
  return undefined;
}

const unauthorized = (why: string): AuthorizerRefusal => ({
  error: { type: 'UNAUTHORIZED', message: 'Unauthorized' },
  logLine: `Unauthorized request: ${why}`,
});

function tokenRefusal(a: Authorizer, input: MappingInput): AuthorizerRefusal | undefined {
  const source = a.identitySource ?? 'method.request.header.Authorization';
  const token = identityValue(source, input);
  if (token === undefined || token === '') return unauthorized(`the identity source ${source} is missing`);
  if (a.identityValidationExpression) {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(`^(?:${a.identityValidationExpression})$`);
    } catch {
      pattern = undefined;
    }
    if (pattern && !pattern.test(token)) return unauthorized('the token does not match the identity validation expression');
  }
  return undefined;
}

/**
 * Why a method's authorizer refuses the request, or undefined when the
 * method has no authorizer Sluice would have to run (NONE, AWS_IAM).
 */
export function authorizerRefusal(method: Method, api: RestApi, input: MappingInput): AuthorizerRefusal | undefined {
  if (method.authorizationType !== 'CUSTOM' && method.authorizationType !== 'COGNITO_USER_POOLS') return undefined;
  const authorizer = method.authorizerId !== undefined ? api.authorizers?.[method.authorizerId] : undefined;
  if (authorizer) {
    if (authorizer.type === 'TOKEN' || authorizer.type === 'COGNITO_USER_POOLS') {
      const refused = tokenRefusal(authorizer, input);
      if (refused) return refused;
    } else if (authorizer.type === 'REQUEST' && (authorizer.authorizerResultTtlInSeconds ?? 300) > 0) {
      for (const source of (authorizer.identitySource ?? '').split(',').filter((s) => s.trim() !== '')) {
        const v = identityValue(source, input);
        if (v === undefined || v === '') return unauthorized(`the identity source ${source.trim()} is missing`);
      }
    }
  }
  const what = authorizer
    ? `${authorizer.type === 'COGNITO_USER_POOLS' ? 'Cognito user pool' : `Lambda ${authorizer.type}`} authorizer ${authorizer.name} (${authorizer.id})`
    : `authorizer ${method.authorizerId ?? '(none)'}`;
  return {
    error: { type: 'AUTHORIZER_CONFIGURATION_ERROR', message: '' },
    logLine: `Execution failed due to configuration error: ${what} cannot be run by Sluice (it runs neither Lambda nor Cognito): AuthorizerConfigurationException`,
  };
}
