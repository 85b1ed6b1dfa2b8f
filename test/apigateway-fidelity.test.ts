/**
 * The management API's answers pinned to what AWS answered, through the
 * JavaScript SDK (the replay in apigateway-recordings.test.ts drives boto3).
 * Each expectation names the recording it comes from: a test of
 * localstack/localstack tests/aws/services/apigateway/test_apigateway_api.py
 * (AWS-validated, its recorded answers in test_apigateway_api.snapshot.json)
 * unless it says otherwise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  DeleteGatewayResponseCommand,
  DeleteModelCommand,
  GetDeploymentsCommand,
  GetGatewayResponseCommand,
  GetIntegrationResponseCommand,
  GetMethodCommand,
  GetModelCommand,
  GetRequestValidatorCommand,
  GetStagesCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TestInvokeMethodCommand,
  UpdateGatewayResponseCommand,
  UpdateMethodCommand,
  UpdateMethodResponseCommand,
  UpdateResourceCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
  type PatchOperation,
} from '@aws-sdk/client-api-gateway';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { setCloudWatchRole } from './helpers/cloudwatch-role.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';
import { awsMethodSetting } from './helpers/method-settings.js';

let sluice: Sluice;
let client: APIGatewayClient;

before(async () => {
  sluice = await startTestSluice({ accountId: '111111111111' });
  client = new APIGatewayClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials });
});
after(() => sluice.close());

const replace = (path: string, value?: string): PatchOperation => ({ op: 'replace', path, ...(value !== undefined ? { value } : {}) });

async function api(name = 'Fidelity'): Promise<{ id: string; root: string }> {
  const created = await client.send(new CreateRestApiCommand({ name }));
  return { id: created.id!, root: created.rootResourceId! };
}

/** An API whose root GET is a MOCK, deployable. */
async function mockApi(): Promise<{ id: string; root: string }> {
  const a = await api();
  const at = { restApiId: a.id, resourceId: a.root, httpMethod: 'GET' };
  await client.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({ ...at, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  return a;
}

describe('theme 1: input validation', () => {
  test('enum values the model refuses are ValidationException, named from the input', async () => {
    // test_create_rest_api_with_endpoint_configuration "create-with-invalid-ip-address-type-and-types"
    await rejectsWith(
      client.send(new CreateRestApiCommand({ name: 'x', endpointConfiguration: { types: ['wrong' as never], ipAddressType: 'wrong' as never } })),
      'ValidationException',
      "2 validation errors detected: Value '[wrong]' at 'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, EDGE, REGIONAL]]; Value 'wrong' at 'createRestApiInput.endpointConfiguration.ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [ipv4, dualstack]",
      400,
    );
    // test_update_method_response_negative_tests "update-method-response-invalid-statuscode-and-wrong-op"
    const a = await mockApi();
    await rejectsWith(
      client.send(new UpdateMethodResponseCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'GET', statusCode: 'wrong', patchOperations: [{ op: 'wrong_op' as never, path: '/x', value: 'true' }] })),
      'ValidationException',
      "2 validation errors detected: Value 'wrong_op' at 'updateMethodResponseInput.patchOperations.1.member.op' failed to satisfy constraint: Member must satisfy enum value set: [add, remove, move, test, replace, copy]; Value 'wrong' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d",
    );
  });

  test('a value of the wrong type is SerializationException', async () => {
    // test_put_integration_request_parameter_bool_type "put-integration-request-param-bool-value"
    const a = await api();
    const res = await fetch(`${sluice.url}/restapis/${a.id}/resources/${a.root}/methods/GET/integration`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'HTTP_PROXY', requestParameters: { 'integration.request.path.testPath': true } }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'SerializationException');
    assert.deepEqual(await res.json(), { message: 'class java.lang.Boolean can not be converted to an String' });
  });

  test("CreateRestApi's own checks, in AWS's order", async () => {
    // test_create_rest_api_with_endpoint_configuration "create-with-multiple-errors-2": the description first
    await rejectsWith(client.send(new CreateRestApiCommand({ name: 'x', description: '', minimumCompressionSize: -1 })), 'BadRequestException', 'Description cannot be an empty string');
    // test_create_rest_api_with_optional_params "string-compression-size"
    await rejectsWith(client.send(new CreateRestApiCommand({ name: 'x', minimumCompressionSize: -1 })), 'BadRequestException', 'Invalid minimum compression size, must be between 0 and 10485760');
    // test_create_rest_api_with_endpoint_configuration "create-with-empty-types", "create-with-two-types"
    await rejectsWith(client.send(new CreateRestApiCommand({ name: 'x', endpointConfiguration: { types: [] } })), 'BadRequestException', 'REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.');
    await rejectsWith(client.send(new CreateRestApiCommand({ name: 'x', endpointConfiguration: { types: ['EDGE', 'REGIONAL'] } })), 'BadRequestException', 'Cannot create an api with multiple Endpoint Types.');
    // test_create_rest_api_private_type "create-with-private-type-and-ipv4-ip-address-type"
    await rejectsWith(client.send(new CreateRestApiCommand({ name: 'x', endpointConfiguration: { types: ['PRIVATE'], ipAddressType: 'ipv4' } })), 'BadRequestException', 'Only dualstack ipAddressType is supported for Private APIs.');
  });

  test('duplicate parameter names, content types and model names', async () => {
    const a = await api();
    // test_method_request_parameters "req-params-same-name"
    await rejectsWith(
      client.send(new PutMethodCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'GET', authorizationType: 'NONE', requestParameters: { 'method.request.querystring.optional': false, 'method.request.header.optional': false } })),
      'BadRequestException', 'Parameter names must be unique across querystring, header and path',
    );
    // test_integration_response_invalid_responsetemplates "put-integration-response-invalid-responseTemplates-2"
    const b = await mockApi();
    await rejectsWith(
      client.send(new PutIntegrationResponseCommand({ restApiId: b.id, resourceId: b.root, httpMethod: 'GET', statusCode: '200', responseTemplates: { '123': '{}' } })),
      'BadRequestException', 'Validation Result: warnings : [], errors : [Invalid content type specified: 123]',
    );
    // test_model_validation "create-model-empty-name", "create-model-no-schema-json"
    await rejectsWith(client.send(new CreateModelCommand({ restApiId: a.id, name: '', contentType: 'application/json', schema: '{"type": "object"}' })), 'BadRequestException', 'Model name must be non-empty');
    await rejectsWith(client.send(new CreateModelCommand({ restApiId: a.id, name: 'NoSchema', contentType: 'application/json' })), 'BadRequestException', 'Model schema must have at least 1 property or array items defined');
  });
});

describe('theme 2: fields', () => {
  test('ipAddressType, tags {} on updates, no empty model description', async () => {
    // test_create_rest_api_verify_defaults
    const edge = await client.send(new CreateRestApiCommand({ name: 'x' }));
    assert.deepEqual(edge.endpointConfiguration, { types: ['EDGE'], ipAddressType: 'ipv4' });
    const priv = await client.send(new CreateRestApiCommand({ name: 'x', endpointConfiguration: { types: ['PRIVATE'] } }));
    assert.deepEqual(priv.endpointConfiguration, { types: ['PRIVATE'], ipAddressType: 'dualstack' });
    assert.equal(priv.tags, undefined);
    // test_update_rest_api_operation_add_remove: tags {} and the replaced media type goes last
    await client.send(new UpdateRestApiCommand({ restApiId: edge.id!, patchOperations: [{ op: 'add', path: '/binaryMediaTypes/image~1png' }, { op: 'add', path: '/binaryMediaTypes/image~1jpeg' }] }));
    const updated = await client.send(new UpdateRestApiCommand({ restApiId: edge.id!, patchOperations: [replace('/binaryMediaTypes/image~1png', 'image/gif')] }));
    assert.deepEqual(updated.tags, {});
    assert.deepEqual(updated.binaryMediaTypes, ['image/jpeg', 'image/gif']);
    // test_put_method_model "create-model": description "" is left out
    const model = await client.send(new CreateModelCommand({ restApiId: edge.id!, name: 'M', contentType: 'application/json', description: '', schema: '{"type": "object"}' }));
    assert.equal(model.description, undefined);
  });

  test('selectionPattern "", null templates, explicit empty maps', async () => {
    const a = await mockApi();
    const at = { restApiId: a.id, resourceId: a.root, httpMethod: 'GET', statusCode: '200' };
    // test_lifecycle_method_response "put-method-response"
    const mr = await client.send(new PutMethodResponseCommand({ ...at, responseParameters: {}, responseModels: {} }));
    assert.deepEqual(mr.responseParameters, {});
    assert.deepEqual(mr.responseModels, {});
    // test_put_integration_response_templates "put-integration-response-template-empty"
    const ir = await client.send(new PutIntegrationResponseCommand({ ...at, selectionPattern: '', responseTemplates: { 'application/json': '' } }));
    assert.equal(ir.selectionPattern, '');
    assert.deepEqual(ir.responseTemplates, { 'application/json': null });
    assert.equal((await client.send(new GetIntegrationResponseCommand(at))).selectionPattern, '');
  });
});

describe('theme 3: patch operations', () => {
  test("each resource's refusals", async () => {
    const a = await api();
    // test_update_rest_api_compression "unsupported-operation", test_update_rest_api_behaviour "update-rest-api-add-base-path"
    await rejectsWith(client.send(new UpdateRestApiCommand({ restApiId: a.id, patchOperations: [{ op: 'add', path: '/minimumCompressionSize', value: '10' }] })), 'BadRequestException', 'Invalid patch operation specified. Must be one of: [replace]');
    await rejectsWith(client.send(new UpdateRestApiCommand({ restApiId: a.id, patchOperations: [{ op: 'add', path: '/binaryMediaTypes', value: 'image/gif' }] })), 'BadRequestException', 'Invalid patch path /binaryMediaTypes');
    // test_update_rest_api_ip_address_type
    const priv = await client.send(new UpdateRestApiCommand({ restApiId: a.id, patchOperations: [replace('/endpointConfiguration/types/0', 'PRIVATE')] }));
    assert.deepEqual(priv.endpointConfiguration, { types: ['PRIVATE'], ipAddressType: 'dualstack' });
    await rejectsWith(client.send(new UpdateRestApiCommand({ restApiId: a.id, patchOperations: [replace('/endpointConfiguration/ipAddressType', 'ipv4')] })), 'BadRequestException', 'Only dualstack ipAddressType is supported for Private APIs.');
    // test_update_resource_behaviour "add-unsupported"
    const res = await client.send(new CreateResourceCommand({ restApiId: a.id, parentId: a.root, pathPart: 'pets' }));
    await rejectsWith(client.send(new UpdateResourceCommand({ restApiId: a.id, resourceId: res.id!, patchOperations: [{ op: 'add', path: '/pathPart', value: 'x' }] })), 'BadRequestException', "Invalid patch path  '/pathPart' specified for op 'add'. Please choose supported operations");
    // test_request_validator_lifecycle "update-request-validator-without-value"
    const v = await client.send(new CreateRequestValidatorCommand({ restApiId: a.id, name: 'v', validateRequestBody: true }));
    const { UpdateRequestValidatorCommand } = await import('@aws-sdk/client-api-gateway');
    const patched = await client.send(new UpdateRequestValidatorCommand({ restApiId: a.id, requestValidatorId: v.id!, patchOperations: [replace('/validateRequestBody')] }));
    assert.equal(patched.validateRequestBody, false);
  });

  test('stage access log settings and method settings', async () => {
    const a = await mockApi();
    const deployment = await client.send(new CreateDeploymentCommand({ restApiId: a.id }));
    await client.send(new CreateStageCommand({ restApiId: a.id, stageName: 'dev', deploymentId: deployment.id! }));
    const stage = (...ops: PatchOperation[]) => client.send(new UpdateStageCommand({ restApiId: a.id, stageName: 'dev', patchOperations: ops }));
    // The recorded account had its CloudWatch role, which turning logging on needs.
    await setCloudWatchRole(sluice.url);
    // test_stage_access_log_settings
    const arn = 'arn:aws:logs:us-east-1:111111111111:log-group:access';
    let s = await stage({ op: 'add', path: '/accessLogSettings/destinationArn', value: arn }, { op: 'add', path: '/accessLogSettings/format', value: '$context.requestId' });
    assert.deepEqual(s.accessLogSettings, { destinationArn: arn, format: '$context.requestId' });
    // test_stage_access_log_settings_validation
    await rejectsWith(stage(replace('/accessLogSettings/format', '')), 'BadRequestException', 'Access Log value must not be empty');
    await rejectsWith(stage(replace('/accessLogSettings/randomValue', 'x')), 'BadRequestException', 'Invalid accessLogSettings path. Must be one of : [/accessLogSettings/destinationArn, /accessLogSettings/format]');
    await rejectsWith(stage({ op: 'remove', path: '/accessLogSettings/destinationArn' }), 'BadRequestException', 'Cannot remove method setting accessLogSettings/destinationArn because there is no method setting for this method ');
    s = await stage({ op: 'remove', path: '/accessLogSettings' });
    assert.equal(s.accessLogSettings, undefined);
    // method settings, and test_apigateway_common.py TestStages::test_update_stage_remove_wildcard "delete-error"
    s = await stage(replace('/*/*/logging/loglevel', 'INFO'), replace('/*/*/metrics/enabled', 'true'));
    assert.deepEqual(s.methodSettings!['*/*'], awsMethodSetting({ loggingLevel: 'INFO', metricsEnabled: true }));
    s = await stage({ op: 'remove', path: '/*/*' });
    assert.deepEqual(s.methodSettings, {});
    await rejectsWith(stage({ op: 'remove', path: '/*/*' }), 'BadRequestException', 'Cannot remove method setting */* because there is no method setting for this method ');
    // test_apigateway_common.py TestStages::test_create_update_stages "error-update-doc-version"
    await rejectsWith(stage(replace('/documentation_version', '123')), 'BadRequestException', /^Invalid method setting path: \/documentation_version\. Must be one of: \[\/deploymentId, \/description, /);
  });
});

describe('theme 4: which identifier is wrong', () => {
  test('method-level calls name the resource, models and validators their own ids', async () => {
    const a = await api();
    // test_put_method_validation "wrong-api": the resource, before the verb
    await rejectsWith(client.send(new PutMethodCommand({ restApiId: 'fake-api', resourceId: a.root, httpMethod: 'WRONG', authorizationType: 'NONE' })), 'NotFoundException', 'Invalid Resource identifier specified', 404);
    // test_put_method_validation "wrong-method"
    await rejectsWith(client.send(new PutMethodCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'WRONG', authorizationType: 'NONE' })), 'BadRequestException', 'Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY');
    // test_put_method_validation "missing-authorizer-id"
    await rejectsWith(client.send(new PutMethodCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'ANY', authorizationType: 'CUSTOM' })), 'BadRequestException', 'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.');
    // test_model_validation "get-model-wrong-id"
    await rejectsWith(client.send(new GetModelCommand({ restApiId: 'abcde0', modelName: 'MySchema' })), 'NotFoundException', 'Invalid model name specified: MySchema');
    // test_invalid_get_request_validator, test_create_request_validator_invalid_api_id
    await rejectsWith(client.send(new GetRequestValidatorCommand({ restApiId: 'api_id', requestValidatorId: 'x' })), 'NotFoundException', 'Invalid Request Validator identifier specified');
    await rejectsWith(client.send(new CreateRequestValidatorCommand({ restApiId: 'api_id', name: 'v' })), 'BadRequestException', 'Invalid REST API identifier specified', 400);
    // test_delete_integration_response_errors "non-existent-method"
    const { DeleteIntegrationResponseCommand } = await import('@aws-sdk/client-api-gateway');
    await rejectsWith(client.send(new DeleteIntegrationResponseCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'POST', statusCode: '200' })), 'NotFoundException', 'Invalid Integration identifier specified');
  });
});

describe('theme 5: rules', () => {
  test('a model a method uses, cyclic moves, the root', async () => {
    const a = await api();
    await client.send(new CreateModelCommand({ restApiId: a.id, name: 'MySchema', contentType: 'application/json', schema: '{"type": "object"}' }));
    await client.send(new PutMethodCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'ANY', authorizationType: 'NONE', requestModels: { 'application/json': 'MySchema' } }));
    // test_put_method_model "delete-model-used"
    await rejectsWith(client.send(new DeleteModelCommand({ restApiId: a.id, modelName: 'MySchema' })), 'ConflictException', "Cannot delete model 'MySchema', is referenced in method request: //ANY", 409);
    // test_update_resource_behaviour "update-parent-id-to-subresource-id"
    const pets = await client.send(new CreateResourceCommand({ restApiId: a.id, parentId: a.root, pathPart: 'pets' }));
    const sub = await client.send(new CreateResourceCommand({ restApiId: a.id, parentId: pets.id!, pathPart: 'sub' }));
    await rejectsWith(client.send(new UpdateResourceCommand({ restApiId: a.id, resourceId: pets.id!, patchOperations: [replace('/parentId', sub.id!)] })), 'BadRequestException', 'Resources cannot be cyclical.');
    // test_update_resource_on_root
    await rejectsWith(client.send(new UpdateResourceCommand({ restApiId: a.id, resourceId: a.root, patchOperations: [replace('/pathPart', 'x')] })), 'BadRequestException', 'Root resource cannot update its pathPart.');
  });

  test('gateway responses: defaults, partial puts, DEFAULT_5XX, deletes, /statusCode', async () => {
    const a = await api();
    const template = { 'application/json': '{"message":$context.error.messageString}' };
    // test_gateway_response_crud "get-gateway-responses": DEFAULT_4XX has the default template and no status
    const d4 = await client.send(new GetGatewayResponseCommand({ restApiId: a.id, responseType: 'DEFAULT_4XX' }));
    assert.deepEqual({ ...d4, $metadata: undefined }, { $metadata: undefined, responseType: 'DEFAULT_4XX', responseParameters: {}, responseTemplates: template, defaultResponse: true });
    // test_gateway_response_put "put-gateway-response-response-parameters-only": the type's default status and template
    const partial = await client.send(new PutGatewayResponseCommand({ restApiId: a.id, responseType: 'MISSING_AUTHENTICATION_TOKEN', responseParameters: { 'gatewayresponse.header.x': "'y'" } }));
    assert.equal(partial.statusCode, '403');
    assert.deepEqual(partial.responseTemplates, template);
    // test_gateway_response_put "get-gateway-responses": DEFAULT_5XX reaches the 5xx types not customised
    await client.send(new PutGatewayResponseCommand({ restApiId: a.id, responseType: 'DEFAULT_5XX', statusCode: '599' }));
    const timeout = await client.send(new GetGatewayResponseCommand({ restApiId: a.id, responseType: 'INTEGRATION_TIMEOUT' }));
    assert.equal(timeout.statusCode, '599');
    assert.equal(timeout.defaultResponse, true);
    // test_gateway_response_validation "delete-gateway-response-not-set"
    await rejectsWith(client.send(new DeleteGatewayResponseCommand({ restApiId: a.id, responseType: 'DEFAULT_4XX' })), 'NotFoundException', 'Gateway response type not defined on api', 404);
    // test_update_gateway_response "update-gateway-add-status-code"
    await rejectsWith(client.send(new UpdateGatewayResponseCommand({ restApiId: a.id, responseType: 'DEFAULT_4XX', patchOperations: [{ op: 'add', path: '/statusCode', value: '444' }] })), 'BadRequestException', 'Invalid patch path /statusCode');
  });

  test('method responses: missing parameters and models are 404s', async () => {
    const a = await mockApi();
    const at = { restApiId: a.id, resourceId: a.root, httpMethod: 'GET', statusCode: '200' };
    await client.send(new PutMethodResponseCommand(at));
    // test_update_method_lack_response_parameters_and_models
    await rejectsWith(client.send(new UpdateMethodResponseCommand({ ...at, patchOperations: [{ op: 'remove', path: '/responseParameters/method.response.header.my-header' }] })), 'NotFoundException', 'Invalid parameter name specified', 404);
    await rejectsWith(client.send(new UpdateMethodResponseCommand({ ...at, patchOperations: [{ op: 'remove', path: '/responseModels/application~1json' }] })), 'NotFoundException', 'Content-Type specified was not found', 404);
  });

  test('TestInvokeMethod with a concrete verb reaches ANY', async () => {
    // test_failed_invoke_test_method: GET on a resource whose only method is ANY is invoked
    const a = await api();
    const at = { restApiId: a.id, resourceId: a.root, httpMethod: 'ANY' };
    await client.send(new PutMethodCommand({ ...at, authorizationType: 'NONE' }));
    await client.send(new PutIntegrationCommand({ ...at, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await client.send(new PutMethodResponseCommand({ ...at, statusCode: '200' }));
    await client.send(new PutIntegrationResponseCommand({ ...at, statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } }));
    const invoked = await client.send(new TestInvokeMethodCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'GET' }));
    assert.equal(invoked.status, 200);
    assert.deepEqual(JSON.parse(invoked.body!), { ok: true });
    await rejectsWith(client.send(new GetMethodCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'GET' })), 'NotFoundException', 'Invalid Method identifier specified');
  });
});

describe('theme 7: CreateDeployment with stageName ""', () => {
  test('creates a deployment without a stage, as Terraform expects', async () => {
    // AWS's CreateDeployment takes an empty stage name as none (Terraform's aws_api_gateway_deployment sends "").
    const a = await mockApi();
    const deployment = await client.send(new CreateDeploymentCommand({ restApiId: a.id, stageName: '' }));
    assert.ok(deployment.id);
    assert.deepEqual((await client.send(new GetStagesCommand({ restApiId: a.id }))).item, []);
    assert.equal((await client.send(new GetDeploymentsCommand({ restApiId: a.id }))).items!.length, 1);
    await rejectsWith(client.send(new UpdateMethodCommand({ restApiId: a.id, resourceId: a.root, httpMethod: 'GET', patchOperations: [{ op: 'add', path: '/operationName', value: 'x' }] })), 'BadRequestException', 'Invalid patch operation specified. Must be one of: [replace]');
  });
});
