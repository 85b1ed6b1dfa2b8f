/**
 * The REST API model as API Gateway has it (RestApi, Resource, Method,
 * Integration, ...). Plain JSON-serialisable data, so the same documents are
 * stored, exported, and later created/patched by a management API.
 *
 * Field names follow the API Gateway REST-JSON shapes (GetRestApi, GetMethod,
 * GetIntegration...) so a management API can return them nearly verbatim.
 */

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'ANY'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type AuthorizationType = 'NONE' | 'AWS_IAM' | 'CUSTOM' | 'COGNITO_USER_POOLS';
export type ApiKeySource = 'HEADER' | 'AUTHORIZER';
export type PassthroughBehavior = 'WHEN_NO_MATCH' | 'WHEN_NO_TEMPLATES' | 'NEVER';
export type ContentHandling = 'CONVERT_TO_TEXT' | 'CONVERT_TO_BINARY';
export type IntegrationType = 'AWS' | 'AWS_PROXY' | 'HTTP' | 'HTTP_PROXY' | 'MOCK';

/** Maps keyed by content type (e.g. "application/json") to a VTL template. */
export type TemplateMap = Record<string, string>;
/** `integration.request.header.X` → mapping expression (`'static'`, `method.request.path.p`, ...). */
export type ParameterMappings = Record<string, string>;

export interface IntegrationResponse {
  readonly statusCode: string;
  /** Java regex matched against the whole integration status code; absent = the default response. */
  readonly selectionPattern?: string;
  /** `method.response.header.X` → `integration.response.header.Y` | `'static'` | ... */
  readonly responseParameters: ParameterMappings;
  readonly responseTemplates: TemplateMap;
  readonly contentHandling?: ContentHandling;
}

/** Settings every integration type has. */
interface IntegrationBase {
  readonly requestParameters: ParameterMappings;
  readonly requestTemplates: TemplateMap;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly contentHandling?: ContentHandling;
  /** 50..29000 ms; AWS's default is 29000. */
  readonly timeoutInMillis: number;
  readonly cacheNamespace?: string;
  readonly cacheKeyParameters: readonly string[];
  /** Keyed by statusCode, as GetIntegration returns them. */
  readonly integrationResponses: Record<string, IntegrationResponse>;
}

/** AWS service integration: `arn:aws:apigateway:{region}:{service}:action/{Action}` or `:path/{path}`. */
export interface AwsIntegration extends IntegrationBase {
  readonly type: 'AWS';
  readonly uri: string;
  readonly httpMethod: string;
  /** Execution role ARN (recorded; enforced by the IAM layer later). */
  readonly credentials?: string;
}

/** Lambda proxy. Modelled so definitions import and export; not executed. */
export interface AwsProxyIntegration extends IntegrationBase {
  readonly type: 'AWS_PROXY';
  readonly uri: string;
  readonly httpMethod: string;
  readonly credentials?: string;
}

export interface HttpIntegration extends IntegrationBase {
  readonly type: 'HTTP' | 'HTTP_PROXY';
  readonly uri: string;
  readonly httpMethod: string;
  readonly connectionType?: 'INTERNET' | 'VPC_LINK';
  readonly connectionId?: string;
}

export interface MockIntegration extends IntegrationBase {
  readonly type: 'MOCK';
}

export type Integration = AwsIntegration | AwsProxyIntegration | HttpIntegration | MockIntegration;

export interface MethodResponse {
  readonly statusCode: string;
  /** `method.response.header.X` → required flag. */
  readonly responseParameters: Record<string, boolean>;
  /** content type → model name. */
  readonly responseModels: Record<string, string>;
  /** Maps that were put empty, which the management API returns as `{}` (AWS does); absent maps are left out. */
  readonly shownEmpty?: readonly ('responseParameters' | 'responseModels')[];
}

export interface Method {
  readonly httpMethod: HttpMethod;
  readonly authorizationType: AuthorizationType;
  readonly authorizerId?: string;
  readonly apiKeyRequired: boolean;
  readonly operationName?: string;
  /** `method.request.{path|querystring|header}.NAME` → required flag. */
  readonly requestParameters: Record<string, boolean>;
  /** content type → model name. */
  readonly requestModels: Record<string, string>;
  readonly requestValidatorId?: string;
  readonly methodResponses: Record<string, MethodResponse>;
  /** Absent: the method exists but calling it is an API configuration error (500). */
  readonly methodIntegration?: Integration;
}

export interface Resource {
  readonly id: string;
  /** Absent for the root resource. */
  readonly parentId?: string;
  /** "" for the root; "streams", "{stream-name}", "{proxy+}" otherwise. */
  readonly pathPart: string;
  /** Full path, e.g. "/streams/{stream-name}". */
  readonly path: string;
  readonly resourceMethods: Partial<Record<HttpMethod, Method>>;
}

export interface Model {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly contentType: string;
  /** JSON Schema draft 4, as a string (API Gateway stores it as text). */
  readonly schema: string;
}

export interface RequestValidator {
  readonly id: string;
  readonly name: string;
  readonly validateRequestBody: boolean;
  readonly validateRequestParameters: boolean;
}

export const GATEWAY_RESPONSE_TYPES = [
  'ACCESS_DENIED', 'API_CONFIGURATION_ERROR', 'AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE',
  'BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY', 'DEFAULT_4XX', 'DEFAULT_5XX', 'EXPIRED_TOKEN',
  'INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT', 'INVALID_API_KEY', 'INVALID_SIGNATURE',
  'MISSING_AUTHENTICATION_TOKEN', 'QUOTA_EXCEEDED', 'REQUEST_TOO_LARGE', 'RESOURCE_NOT_FOUND',
  'THROTTLED', 'UNAUTHORIZED', 'UNSUPPORTED_MEDIA_TYPE', 'WAF_FILTERED',
] as const;
export type GatewayResponseType = (typeof GATEWAY_RESPONSE_TYPES)[number];

/** A customised gateway response (only the ones the API defines are stored). */
export interface GatewayResponse {
  readonly responseType: GatewayResponseType;
  /** Absent = the type's default status. */
  readonly statusCode?: string;
  /** `gatewayresponse.header.X` → `'static'` | `method.request.header.Y` | `stageVariables.Z` | `context.W`. */
  readonly responseParameters: Record<string, string>;
  readonly responseTemplates: TemplateMap;
}

export type AuthorizerType = 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';

/** A Lambda (TOKEN/REQUEST) or Cognito user pool authorizer (stored and exported; Sluice cannot run either). */
export interface Authorizer {
  readonly id: string;
  readonly name: string;
  readonly type: AuthorizerType;
  readonly providerARNs?: readonly string[];
  readonly authType?: string;
  readonly authorizerUri?: string;
  readonly authorizerCredentials?: string;
  readonly identitySource?: string;
  readonly identityValidationExpression?: string;
  readonly authorizerResultTtlInSeconds?: number;
}

export const DOCUMENTATION_LOCATION_TYPES = [
  'API', 'AUTHORIZER', 'MODEL', 'RESOURCE', 'METHOD', 'PATH_PARAMETER', 'QUERY_PARAMETER', 'REQUEST_HEADER',
  'REQUEST_BODY', 'RESPONSE', 'RESPONSE_HEADER', 'RESPONSE_BODY',
] as const;
export type DocumentationLocationType = (typeof DOCUMENTATION_LOCATION_TYPES)[number];

export interface DocumentationPartLocation {
  readonly type: DocumentationLocationType;
  readonly path?: string;
  readonly method?: string;
  readonly statusCode?: string;
  readonly name?: string;
}

/** Documentation of one part of an API; `properties` is a JSON object, kept as the text the caller gave. */
export interface DocumentationPart {
  readonly id: string;
  readonly location: DocumentationPartLocation;
  readonly properties: string;
}

export interface RestApi {
  /** 10 lowercase alphanumerics, like AWS. */
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly version?: string;
  /** Epoch seconds. */
  readonly createdDate: number;
  readonly apiKeySource: ApiKeySource;
  readonly binaryMediaTypes: readonly string[];
  readonly minimumCompressionSize?: number;
  readonly rootResourceId: string;
  /** By resource id. */
  readonly resources: Record<string, Resource>;
  /** By model name. */
  readonly models: Record<string, Model>;
  /** By validator id. */
  readonly requestValidators: Record<string, RequestValidator>;
  readonly gatewayResponses: Partial<Record<GatewayResponseType, GatewayResponse>>;
  /**
   * IAM roles named by integrations' `credentials`, with the policy they need,
   * so a later IAM layer can create them (x-sluice-execution-roles).
   */
  readonly executionRoles: readonly ExecutionRole[];
  /** Set for APIs deployed from a definition file (`sluice start --api`, the bundled example): its info.title. */
  readonly deployedFrom?: string;
  readonly tags?: Record<string, string>;
  /** Recorded and returned; Sluice serves every API the same way. */
  readonly endpointConfiguration?: { readonly types: readonly string[]; readonly ipAddressType?: string; readonly vpcEndpointIds?: readonly string[] };
  /** Resource policy (recorded, not enforced). */
  readonly policy?: string;
  readonly disableExecuteApiEndpoint?: boolean;
  /** By authorizer id (absent in APIs stored before authorizers were kept). */
  readonly authorizers?: Record<string, Authorizer>;
  /** By part id. */
  readonly documentationParts?: Record<string, DocumentationPart>;
}

export interface ExecutionRole {
  readonly arn: string;
  /** AWS managed policy ARNs to attach (e.g. AmazonKinesisFullAccess). */
  readonly managedPolicyArns: readonly string[];
  readonly trustedService: string;
}

/** A frozen snapshot of an API that stages point at. */
export interface Deployment {
  readonly id: string;
  readonly restApiId: string;
  readonly description?: string;
  readonly createdDate: number;
  readonly api: RestApi;
}

export interface Stage {
  readonly restApiId: string;
  readonly stageName: string;
  readonly deploymentId: string;
  readonly description?: string;
  readonly variables: Record<string, string>;
  readonly createdDate: number;
  readonly lastUpdatedDate: number;
  readonly tags?: Record<string, string>;
  readonly tracingEnabled?: boolean;
  readonly cacheClusterEnabled?: boolean;
  readonly documentationVersion?: string;
  /** `{resourcePath}/{httpMethod}` → settings; throttling (usage/gate.ts), logging level, data trace and metrics (method-settings.ts) take effect, the rest is recorded. */
  readonly methodSettings?: Record<string, Record<string, unknown>>;
  /** `format` is rendered for every invocation (access-log.ts); `destinationArn` is recorded only: there is no CloudWatch Logs. */
  readonly accessLogSettings?: { readonly destinationArn?: string; readonly format?: string };
  readonly cacheClusterSize?: string;
  readonly clientCertificateId?: string;
}

/** AWS's default integration timeout (ms). */
export const DEFAULT_TIMEOUT_MS = 29_000;
