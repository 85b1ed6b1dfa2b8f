/**
 * "Enable CORS" as the API Gateway console does it, as a list of management
 * API calls (so any client of the public API — the Sluice console, a script,
 * a test — can make them; nothing here talks to a server):
 *
 *  - an OPTIONS method (authorization NONE) if the resource has none, with a
 *    MOCK integration whose request template is `{"statusCode": 200}`
 *    (passthrough WHEN_NO_MATCH), a 200 method response declaring
 *    Access-Control-Allow-Headers, -Methods and -Origin (model `Empty`), and
 *    a 200 integration response mapping them to the static values:
 *    `'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'`,
 *    the chosen methods and OPTIONS (`'GET,OPTIONS'`), and `'*'`;
 *  - on each other chosen method, Access-Control-Allow-Origin added to its 200
 *    method response and mapped to the origin in its 200 integration
 *    response (proxy integrations are left alone: their backend answers the
 *    headers, as AWS's documentation says);
 *  - optionally, the same headers on the DEFAULT_4XX / DEFAULT_5XX gateway
 *    responses (the console's "Gateway responses" boxes), so errors carry them.
 *
 * Sources: "Enable CORS on a resource using the API Gateway console" (AWS API
 * Gateway developer guide) and the OPTIONS methods such consoles export
 * (recorded: localstack test_apigateway_import.snapshot.json, swagger-mock-cors.json).
 */

export const CORS_DEFAULT_ALLOW_HEADERS = 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token';
export const CORS_DEFAULT_ALLOW_ORIGIN = '*';
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** A resource as GetResource(s) answers it with `embed=methods` (only what this needs). */
export interface CorsResource {
  readonly id: string;
  readonly resourceMethods?: Readonly<Record<string, {
    readonly methodResponses?: Readonly<Record<string, { readonly responseParameters?: Readonly<Record<string, boolean>> }>>;
    readonly methodIntegration?: {
      readonly type?: string;
      readonly integrationResponses?: Readonly<Record<string, { readonly responseParameters?: Readonly<Record<string, string>> }>>;
    };
  }>>;
}

export interface CorsOptions {
  /** The methods to enable CORS for; default: every method of the resource. OPTIONS is always among them. */
  readonly methods?: readonly string[];
  /** Access-Control-Allow-Headers, without the quotes. */
  readonly allowHeaders?: string;
  /** Access-Control-Allow-Origin, without the quotes. */
  readonly allowOrigin?: string;
  /** Gateway responses that should carry the headers too. */
  readonly gatewayResponses?: readonly ('DEFAULT_4XX' | 'DEFAULT_5XX')[];
}

/** One management API call: the operation's name (botocore's) and its input. */
export interface ManagementCall {
  readonly operation:
    | 'PutMethod' | 'PutMethodResponse' | 'UpdateMethodResponse' | 'PutIntegration'
    | 'PutIntegrationResponse' | 'UpdateIntegrationResponse' | 'PutGatewayResponse';
  readonly input: Record<string, unknown>;
}

const HEADER = {
  headers: 'Access-Control-Allow-Headers',
  methods: 'Access-Control-Allow-Methods',
  origin: 'Access-Control-Allow-Origin',
} as const;

const quoted = (v: string): string => `'${v.replaceAll("'", "\\'")}'`;

/** The calls that enable CORS on `resource` of API `restApiId`, in the order they must be made. */
export function enableCorsCalls(restApiId: string, resource: CorsResource, options: CorsOptions = {}): ManagementCall[] {
  const existing = resource.resourceMethods ?? {};
  const chosen = new Set((options.methods ?? Object.keys(existing)).map((m) => m.toUpperCase()));
  chosen.add('OPTIONS');
  const allowMethods = (chosen.has('ANY') ? ALL_METHODS : [...chosen].filter((m) => ALL_METHODS.includes(m))).sort().join(',');
  const allowHeaders = options.allowHeaders ?? CORS_DEFAULT_ALLOW_HEADERS;
  const allowOrigin = options.allowOrigin ?? CORS_DEFAULT_ALLOW_ORIGIN;
  const at = { restApiId, resourceId: resource.id };
  const calls: ManagementCall[] = [];

  // The preflight: OPTIONS answered by a MOCK integration.
  const options_ = { ...at, httpMethod: 'OPTIONS' };
  if (!existing['OPTIONS']) calls.push({ operation: 'PutMethod', input: { ...options_, authorizationType: 'NONE' } });
  calls.push({
    operation: 'PutMethodResponse',
    input: {
      ...options_,
      statusCode: '200',
      responseParameters: {
        [`method.response.header.${HEADER.headers}`]: false,
        [`method.response.header.${HEADER.methods}`]: false,
        [`method.response.header.${HEADER.origin}`]: false,
      },
      responseModels: { 'application/json': 'Empty' },
    },
  });
  calls.push({
    operation: 'PutIntegration',
    input: { ...options_, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' }, passthroughBehavior: 'WHEN_NO_MATCH' },
  });
  calls.push({
    operation: 'PutIntegrationResponse',
    input: {
      ...options_,
      statusCode: '200',
      responseParameters: {
        [`method.response.header.${HEADER.headers}`]: quoted(allowHeaders),
        [`method.response.header.${HEADER.methods}`]: quoted(allowMethods),
        [`method.response.header.${HEADER.origin}`]: quoted(allowOrigin),
      },
    },
  });

  // The actual methods: Access-Control-Allow-Origin on their 200 responses.
  const originParam = `method.response.header.${HEADER.origin}`;
  for (const [verb, method] of Object.entries(existing)) {
    if (verb === 'OPTIONS' || !chosen.has(verb) || !method) continue;
    const type = method.methodIntegration?.type;
    if (type === 'AWS_PROXY' || type === 'HTTP_PROXY') continue;
    const m = { ...at, httpMethod: verb };
    const response = method.methodResponses?.['200'];
    if (!response) {
      calls.push({ operation: 'PutMethodResponse', input: { ...m, statusCode: '200', responseParameters: { [originParam]: false }, responseModels: { 'application/json': 'Empty' } } });
    } else if (!(originParam in (response.responseParameters ?? {}))) {
      calls.push({ operation: 'UpdateMethodResponse', input: { ...m, statusCode: '200', patchOperations: [{ op: 'add', path: `/responseParameters/${originParam}`, value: 'false' }] } });
    }
    if (!method.methodIntegration) continue;
    const integrationResponse = method.methodIntegration.integrationResponses?.['200'];
    if (!integrationResponse) {
      calls.push({ operation: 'PutIntegrationResponse', input: { ...m, statusCode: '200', responseParameters: { [originParam]: quoted(allowOrigin) } } });
    } else {
      const op = originParam in (integrationResponse.responseParameters ?? {}) ? 'replace' : 'add';
      calls.push({ operation: 'UpdateIntegrationResponse', input: { ...m, statusCode: '200', patchOperations: [{ op, path: `/responseParameters/${originParam}`, value: quoted(allowOrigin) }] } });
    }
  }

  for (const responseType of options.gatewayResponses ?? []) {
    calls.push({
      operation: 'PutGatewayResponse',
      input: {
        restApiId,
        responseType,
        responseParameters: {
          [`gatewayresponse.header.${HEADER.headers}`]: quoted(allowHeaders),
          [`gatewayresponse.header.${HEADER.methods}`]: quoted(allowMethods),
          [`gatewayresponse.header.${HEADER.origin}`]: quoted(allowOrigin),
        },
      },
    });
  }
  return calls;
}
