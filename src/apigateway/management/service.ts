/**
 * The API Gateway management API (`/restapis/...`, `/tags/...`, `/account`)
 * as a Service on the shared port: botocore's REST-JSON model in front
 * (routes, parsing, validation, serialization), the handler families behind.
 * Invoke URLs (`/restapis/{id}/{stage}/_user_request_/...`) are not ours:
 * they belong to the runtime, which is asked first.
 */
import { AwsError } from '../../protocol/errors.js';
import { loadServiceModel } from '../../protocol/model.js';
import type { AccessControl } from '../../iam/access.js';
import type { AuthHook } from '../../iam/guard.js';
import { handleRestJson, restJsonError, RestRouter, type RestJsonService, type RestOperationHandler } from '../../protocol/rest-json.js';
import type { Service, SluiceRequest } from '../../server/types.js';
import { isRevisionConflict } from '../../store/documents.js';
import { ApiGatewayError, CONCURRENT_MODIFICATION } from '../errors.js';
import { getAccount, updateAccount } from './account.js';
import * as accountResources from './account-resources.js';
import * as authorizers from './authorizers.js';
import * as documentation from './documentation.js';
import * as apiKeys from './api-keys.js';
import { managementAuthorizer, type ManagementTarget } from './authorization.js';
import type { ManagementContext } from './context.js';
import * as deployments from './deployments.js';
import { getExport } from './exports.js';
import * as gatewayResponses from './gateway-responses.js';
import * as integrations from './integrations.js';
import * as methods from './methods.js';
import * as models from './models.js';
import * as validators from './request-validators.js';
import * as resources from './resources.js';
import * as restApis from './rest-apis.js';
import * as stages from './stages.js';
import * as tags from './tags.js';
import * as usagePlans from './usage-plans.js';
import { testInvokeMethod } from './test-invoke.js';
import { validateApiGatewayInput } from './validation.js';

export const apiGatewayModel = loadServiceModel('apigateway-2015-07-09.json');

type Handler = (ctx: ManagementContext, input: any, target: ManagementTarget) => unknown;

const OPERATIONS: Record<string, Handler> = {
  CreateRestApi: restApis.createRestApi,
  GetRestApi: restApis.getRestApi,
  GetRestApis: restApis.getRestApis,
  UpdateRestApi: restApis.updateRestApi,
  DeleteRestApi: restApis.deleteRestApi,
  ImportRestApi: restApis.importRestApi,
  PutRestApi: restApis.putRestApi,
  GetResources: resources.getResources,
  GetResource: resources.getResource,
  CreateResource: resources.createResource,
  UpdateResource: resources.updateResource,
  DeleteResource: resources.deleteResource,
  PutMethod: methods.putMethod,
  GetMethod: methods.getMethod,
  UpdateMethod: methods.updateMethod,
  DeleteMethod: methods.deleteMethod,
  PutMethodResponse: methods.putMethodResponse,
  GetMethodResponse: methods.getMethodResponse,
  UpdateMethodResponse: methods.updateMethodResponse,
  DeleteMethodResponse: methods.deleteMethodResponse,
  PutIntegration: integrations.putIntegration,
  GetIntegration: integrations.getIntegration,
  UpdateIntegration: integrations.updateIntegration,
  DeleteIntegration: integrations.deleteIntegration,
  PutIntegrationResponse: integrations.putIntegrationResponse,
  GetIntegrationResponse: integrations.getIntegrationResponse,
  UpdateIntegrationResponse: integrations.updateIntegrationResponse,
  DeleteIntegrationResponse: integrations.deleteIntegrationResponse,
  CreateModel: models.createModel,
  GetModel: models.getModel,
  GetModels: models.getModels,
  UpdateModel: models.updateModel,
  DeleteModel: models.deleteModel,
  CreateRequestValidator: validators.createRequestValidator,
  GetRequestValidator: validators.getRequestValidator,
  GetRequestValidators: validators.getRequestValidators,
  UpdateRequestValidator: validators.updateRequestValidator,
  DeleteRequestValidator: validators.deleteRequestValidator,
  PutGatewayResponse: gatewayResponses.putGatewayResponse,
  GetGatewayResponse: gatewayResponses.getGatewayResponse,
  GetGatewayResponses: gatewayResponses.getGatewayResponses,
  UpdateGatewayResponse: gatewayResponses.updateGatewayResponse,
  DeleteGatewayResponse: gatewayResponses.deleteGatewayResponse,
  CreateDeployment: deployments.createDeployment,
  GetDeployment: deployments.getDeployment,
  GetDeployments: deployments.getDeployments,
  UpdateDeployment: deployments.updateDeployment,
  DeleteDeployment: deployments.deleteDeployment,
  CreateStage: stages.createStage,
  GetStage: stages.getStage,
  GetStages: stages.getStages,
  UpdateStage: stages.updateStage,
  DeleteStage: stages.deleteStage,
  GetExport: getExport,
  TestInvokeMethod: testInvokeMethod,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  GetTags: tags.getTags,
  GetAccount: getAccount,
  UpdateAccount: updateAccount,
  CreateAuthorizer: authorizers.createAuthorizer,
  GetAuthorizer: authorizers.getAuthorizer,
  GetAuthorizers: authorizers.getAuthorizers,
  UpdateAuthorizer: authorizers.updateAuthorizer,
  DeleteAuthorizer: authorizers.deleteAuthorizer,
  CreateDocumentationPart: documentation.createDocumentationPart,
  GetDocumentationPart: documentation.getDocumentationPart,
  GetDocumentationParts: documentation.getDocumentationParts,
  UpdateDocumentationPart: documentation.updateDocumentationPart,
  DeleteDocumentationPart: documentation.deleteDocumentationPart,
  ImportDocumentationParts: documentation.importDocumentationParts,
  CreateDocumentationVersion: documentation.createDocumentationVersion,
  GetDocumentationVersion: documentation.getDocumentationVersion,
  GetDocumentationVersions: documentation.getDocumentationVersions,
  UpdateDocumentationVersion: documentation.updateDocumentationVersion,
  DeleteDocumentationVersion: documentation.deleteDocumentationVersion,
  CreateVpcLink: accountResources.createVpcLink,
  GetVpcLink: accountResources.getVpcLink,
  GetVpcLinks: accountResources.getVpcLinks,
  UpdateVpcLink: accountResources.updateVpcLink,
  DeleteVpcLink: accountResources.deleteVpcLink,
  GenerateClientCertificate: accountResources.generateClientCertificate,
  GetClientCertificate: accountResources.getClientCertificate,
  GetClientCertificates: accountResources.getClientCertificates,
  UpdateClientCertificate: accountResources.updateClientCertificate,
  DeleteClientCertificate: accountResources.deleteClientCertificate,
  CreateDomainName: accountResources.createDomainName,
  GetDomainName: accountResources.getDomainName,
  GetDomainNames: accountResources.getDomainNames,
  UpdateDomainName: accountResources.updateDomainName,
  DeleteDomainName: accountResources.deleteDomainName,
  CreateBasePathMapping: accountResources.createBasePathMapping,
  GetBasePathMapping: accountResources.getBasePathMapping,
  GetBasePathMappings: accountResources.getBasePathMappings,
  UpdateBasePathMapping: accountResources.updateBasePathMapping,
  DeleteBasePathMapping: accountResources.deleteBasePathMapping,
  CreateApiKey: apiKeys.createApiKey,
  GetApiKey: apiKeys.getApiKey,
  GetApiKeys: apiKeys.getApiKeys,
  UpdateApiKey: apiKeys.updateApiKey,
  DeleteApiKey: apiKeys.deleteApiKey,
  ImportApiKeys: apiKeys.importApiKeys,
  CreateUsagePlan: usagePlans.createUsagePlan,
  GetUsagePlan: usagePlans.getUsagePlan,
  GetUsagePlans: usagePlans.getUsagePlans,
  UpdateUsagePlan: usagePlans.updateUsagePlan,
  DeleteUsagePlan: usagePlans.deleteUsagePlan,
  CreateUsagePlanKey: usagePlans.createUsagePlanKey,
  GetUsagePlanKey: usagePlans.getUsagePlanKey,
  GetUsagePlanKeys: usagePlans.getUsagePlanKeys,
  DeleteUsagePlanKey: usagePlans.deleteUsagePlanKey,
  GetUsage: usagePlans.getUsage,
  UpdateUsage: usagePlans.updateUsage,
};

/** The model's own error codes and statuses; handlers throw ApiGatewayError, the wire wants AwsError. */
function bound(ctx: ManagementContext, handler: Handler): RestOperationHandler<ManagementTarget> {
  return async (input, call) => {
    try {
      return (await handler(ctx, input, call.target)) as Record<string, unknown> | void;
    } catch (e) {
      if (e instanceof ApiGatewayError) throw new AwsError(e.type, e.message, e.status);
      // A compare-and-set that kept losing to other nodes' writes: AWS's answer to concurrent modification.
      if (isRevisionConflict(e)) throw new AwsError('ConflictException', CONCURRENT_MODIFICATION, 409);
      throw e;
    }
  };
}

/** How the dispatcher authenticates management calls: signed for `apigateway`, refused as REST-JSON errors. */
export function managementAuthHook(): AuthHook {
  return { dialect: 'rest-json', signingService: 'apigateway', render: (error) => restJsonError(apiGatewayModel, error) };
}

const USER_REQUEST = /^\/restapis\/[^/]+\/[^/]+\/_user_request_(\/|$)/;
const SCOPE_SERVICE = /Credential=[^/,]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

export function createManagementService(ctx: ManagementContext, access: AccessControl, onInternalError?: (e: unknown) => void): Service {
  const router = new RestRouter(apiGatewayModel);
  const handlers = Object.fromEntries(Object.entries(OPERATIONS).map(([name, h]) => [name, bound(ctx, h)]));
  const authorize = managementAuthorizer(ctx, access);
  const service: RestJsonService<ManagementTarget> = {
    model: apiGatewayModel,
    handlers,
    async authorize(call) {
      try {
        return await authorize(call);
      } catch (e) {
        if (e instanceof ApiGatewayError) throw new AwsError(e.type, e.message, e.status);
        throw e;
      }
    },
    // Coral's answers to malformed and invalid input, as AWS recorded them: SerializationException
    // for a value of the wrong type (numbers are Coral's TruncatingBigNumber there), ValidationException
    // for one the model refuses (checked by validateApiGatewayInput).
    inputError: (message: string, kind: 'serialization' | 'validation') =>
      kind === 'serialization'
        ? new AwsError('SerializationException', message.replace('class java.math.BigDecimal ', 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber '), 400)
        : new AwsError('ValidationException', message, 400),
    validate: (operation, input) => validateApiGatewayInput(apiGatewayModel, operation, input),
    notImplemented: (operation: string) =>
      new AwsError('BadRequestException', `Sluice does not implement the API Gateway operation ${operation}`, 400),
    onInternalError: (e: unknown) => onInternalError?.(e),
  };
  return {
    name: 'apigateway',
    matches(req: SluiceRequest): boolean {
      if (!router.owns(req.path) || USER_REQUEST.test(req.path)) return false;
      // A request signed for another service is that service's, whatever its path.
      const scope = SCOPE_SERVICE.exec(req.headers['authorization'] ?? '');
      return !scope || scope[1] === 'apigateway';
    },
    handle: (req) => handleRestJson(service, router, req),
  };
}
