/**
 * The shapes of API Gateway's management API (apigateway 2015-07-09) that the console reads and
 * writes. Kept apart from the client so that pure modules (lib/cors.ts) and their Node tests can
 * use them without the browser's globals.
 */
export interface RestApi {
  id: string;
  name: string;
  description?: string;
  createdDate?: number;
  version?: string;
  apiKeySource?: string;
  endpointConfiguration?: { types?: string[] };
  binaryMediaTypes?: string[];
  warnings?: string[];
}

export interface MethodResponse {
  statusCode: string;
  responseParameters?: Record<string, boolean>;
  responseModels?: Record<string, string>;
}

export interface IntegrationResponse {
  statusCode: string;
  selectionPattern?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string | null>;
  contentHandling?: string;
}

export type IntegrationType = 'AWS' | 'AWS_PROXY' | 'HTTP' | 'HTTP_PROXY' | 'MOCK';

export interface Integration {
  type?: IntegrationType;
  httpMethod?: string;
  uri?: string;
  credentials?: string;
  requestParameters?: Record<string, string>;
  requestTemplates?: Record<string, string | null>;
  passthroughBehavior?: string;
  contentHandling?: string;
  timeoutInMillis?: number;
  cacheNamespace?: string;
  cacheKeyParameters?: string[];
  integrationResponses?: Record<string, IntegrationResponse>;
}

export interface Method {
  httpMethod: string;
  authorizationType?: string;
  authorizerId?: string;
  apiKeyRequired?: boolean;
  requestValidatorId?: string;
  operationName?: string;
  requestParameters?: Record<string, boolean>;
  requestModels?: Record<string, string>;
  methodResponses?: Record<string, MethodResponse>;
  methodIntegration?: Integration;
}

export interface Resource {
  id: string;
  parentId?: string;
  pathPart?: string;
  path: string;
  resourceMethods?: Record<string, Method>;
}

export interface Deployment {
  id: string;
  description?: string;
  createdDate?: number;
}

// One entry of a stage's methodSettings, keyed `{resourcePath}/{httpMethod}` as UpdateStage's path spelled it
// (`~1pets/GET`, `pets/GET`; `*/*` for all methods): see src/apigateway/method-settings.ts.
export interface MethodSetting {
  metricsEnabled?: boolean;
  loggingLevel?: string;
  dataTraceEnabled?: boolean;
  throttlingBurstLimit?: number;
  throttlingRateLimit?: number;
  cachingEnabled?: boolean;
}

export interface AccessLogSettings {
  destinationArn?: string;
  format?: string;
}

export interface Stage {
  stageName: string;
  deploymentId?: string;
  description?: string;
  createdDate?: number;
  lastUpdatedDate?: number;
  variables?: Record<string, string>;
  accessLogSettings?: AccessLogSettings;
  methodSettings?: Record<string, MethodSetting>;
  tracingEnabled?: boolean;
}

export interface GatewayResponse {
  responseType: string;
  statusCode?: string;
  responseParameters?: Record<string, string>;
  responseTemplates?: Record<string, string>;
  /** true while the API has not customised this response type. */
  defaultResponse?: boolean;
}

export interface TestInvokeInput {
  pathWithQueryString?: string;
  body?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  stageVariables?: Record<string, string>;
}

export interface TestInvokeOutput {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  log?: string;
  latency?: number;
}

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: string;
  from?: string;
}

export type ExportType = 'oas30' | 'swagger';

/** A path segment of a JSON-patch path: '~' and '/' escaped as AWS expects. */
export function patchKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
