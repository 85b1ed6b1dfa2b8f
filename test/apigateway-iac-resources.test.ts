/**
 * The API Gateway resources IaC definitions declare beside methods:
 * authorizers (and what a method using one answers at invoke time),
 * documentation parts and versions, VPC links, client certificates, domain
 * names and base path mappings, the account's CloudWatch role
 * (UpdateAccount), and iam:PassRole for the roles those calls hand API Gateway.
 *
 * Sources for AWS's behaviour (recordings of AWS in LocalStack's
 * tests/aws/services/apigateway/*.snapshot.json unless noted):
 *  - test_apigateway_api.snapshot.json TestApiGatewayApiAuthorizer::test_authorizer_crud_no_api:
 *    CreateAuthorizer on an unknown API is 409 ConflictException "Unable to complete operation due to
 *    concurrent modification. Please try again later."; GetAuthorizers there is NotFoundException.
 *  - test_apigateway_import.snapshot.json test_import_with_global_api_key_authorizer: an imported
 *    authorizer reads {authType: "custom", authorizerResultTtlInSeconds: 300, identitySource, name, type}
 *    and its methods authorizationType CUSTOM with its authorizerId.
 *  - "Cannot delete authorizer '<name>', is referenced in method: GET//test" (409): hashicorp/terraform#6731, #25980.
 *  - A Lambda authorizer that fails: 500 {"message": null}, x-amzn-ErrorType AuthorizerConfigurationException
 *    (aws/chalice#670, auth0-samples/jwt-rsa-aws-custom-authorizer#6, serverless/serverless#829); a TOKEN
 *    authorizer's missing header: 401 {"message":"Unauthorized"} (developer guide).
 *  - TestApiGatewayApiDocumentationPart: 201 {id, location, properties}; "Invalid Documentation part identifier
 *    specified"; "Invalid patch path  '/properties' specified for op 'add'. Please choose supported operations";
 *    "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of: [/properties]"; 202 on delete;
 *    ImportDocumentationParts of a non-definition: "Unable to build importer with provided input.".
 *  - test_apigateway_common.snapshot.json TestDocumentations: CreateDocumentationVersion 201 {version, createdDate}.
 *  - TestApiGatewayVpcLink: 202 PENDING, then AVAILABLE "Your vpc link is ready for use"; "Name cannot be empty";
 *    "Invalid ARN. ARN is not well formed invalid-arn"; "Invalid Vpc Link identifier specified".
 *  - UpdateAccount: "The role ARN does not have required permissions configured. Please grant trust permission for
 *    API Gateway and add the required role policy." (400 BadRequestException, aws-cloudformation/rain#163,
 *    tmobile/jazz-installer#597); GetAccount's throttleSettings, features and apiKeyVersion as a fresh account's.
 *  - Service Authorization Reference (models/authorization/apigateway.json): CreateAuthorizer, UpdateAuthorizer and
 *    UpdateAccount need iam:PassRole with iam:PassedToService = apigateway.amazonaws.com.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as AG from '@aws-sdk/client-api-gateway';
import * as I from '@aws-sdk/client-iam';
import type { Sluice } from '../src/server/app.js';
import { rejectsWith } from './helpers/aws-errors.js';
import { startTestSluice, tempDir, testCredentials } from './helpers/sluice.js';

const ACCOUNT = '000000000000';
const LAMBDA_URI = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${ACCOUNT}:function:auth/invocations`;
const POOL = `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_abc123`;
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const PUSH_LOGS = 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

let sluice: Sluice;
let ag: AG.APIGatewayClient;
let iam: I.IAMClient;

before(async () => {
  sluice = await startTestSluice();
  const opts = { endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 };
  ag = new AG.APIGatewayClient(opts);
  iam = new I.IAMClient(opts);
});

after(async () => {
  ag.destroy();
  iam.destroy();
  await sluice.close();
});

/** An API with a MOCK GET /pets, deployed to `test` after `prepare` ran. */
async function mockApi(name: string, prepare: (api: AG.CreateRestApiCommandOutput, resourceId: string) => Promise<void> = async () => {}): Promise<{ id: string; resourceId: string; invoke: string }> {
  const api = await ag.send(new AG.CreateRestApiCommand({ name }));
  const res = await ag.send(new AG.CreateResourceCommand({ restApiId: api.id!, parentId: api.rootResourceId!, pathPart: 'pets' }));
  await prepare(api, res.id!);
  return { id: api.id!, resourceId: res.id!, invoke: `${sluice.url}/restapis/${api.id}/test/_user_request_/pets` };
}

async function mockMethod(apiId: string, resourceId: string, method: Partial<AG.PutMethodCommandInput>): Promise<void> {
  await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', authorizationType: 'NONE', ...method }));
  await ag.send(new AG.PutIntegrationCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await ag.send(new AG.PutMethodResponseCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', statusCode: '200' }));
  await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: apiId, resourceId, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"ok": true}' } }));
}

describe('authorizers', () => {
  it('create (TTL 300 unless given), get, list, patch, delete; AWS errors for an unknown API or authorizer', async () => {
    const api = await ag.send(new AG.CreateRestApiCommand({ name: 'authz' }));
    const created = await ag.send(new AG.CreateAuthorizerCommand({
      restApiId: api.id!, name: 'tokens', type: 'TOKEN', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Authorization',
    }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.match(created.id!, /^[a-z0-9]{6}$/);
    assert.equal(created.authorizerResultTtlInSeconds, 300);
    const cognito = await ag.send(new AG.CreateAuthorizerCommand({ restApiId: api.id!, name: 'pool', type: 'COGNITO_USER_POOLS', providerARNs: [POOL], identitySource: 'method.request.header.Authorization' }));
    assert.deepEqual(cognito.providerARNs, [POOL]);
    assert.deepEqual((await ag.send(new AG.GetAuthorizersCommand({ restApiId: api.id! }))).items!.map((a) => a.name), ['tokens', 'pool']);

    const updated = await ag.send(new AG.UpdateAuthorizerCommand({
      restApiId: api.id!, authorizerId: created.id!,
      patchOperations: [{ op: 'replace', path: '/authorizerResultTtlInSeconds', value: '0' }, { op: 'replace', path: '/name', value: 'renamed' }],
    }));
    assert.equal(updated.authorizerResultTtlInSeconds, 0);
    assert.equal((await ag.send(new AG.GetAuthorizerCommand({ restApiId: api.id!, authorizerId: created.id! }))).name, 'renamed');

    await rejectsWith(
      ag.send(new AG.CreateAuthorizerCommand({ restApiId: 'nope000000', name: 'x', type: 'TOKEN', authorizerUri: LAMBDA_URI })),
      'ConflictException', 'Unable to complete operation due to concurrent modification. Please try again later.', 409,
    );
    await rejectsWith(ag.send(new AG.GetAuthorizersCommand({ restApiId: 'nope000000' })), 'NotFoundException', `Invalid API identifier specified ${ACCOUNT}:nope000000`, 404);
    await rejectsWith(ag.send(new AG.GetAuthorizerCommand({ restApiId: api.id!, authorizerId: 'zzzzzz' })), 'NotFoundException', 'Invalid Authorizer identifier specified', 404);

    // A method that uses it keeps it from being deleted.
    const res = await ag.send(new AG.CreateResourceCommand({ restApiId: api.id!, parentId: api.rootResourceId!, pathPart: 'test' }));
    await ag.send(new AG.PutMethodCommand({ restApiId: api.id!, resourceId: res.id!, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: created.id! }));
    await rejectsWith(
      ag.send(new AG.DeleteAuthorizerCommand({ restApiId: api.id!, authorizerId: created.id! })),
      'ConflictException', "Cannot delete authorizer 'renamed', is referenced in method: GET//test", 409,
    );
    const deleted = await ag.send(new AG.DeleteAuthorizerCommand({ restApiId: api.id!, authorizerId: cognito.id! }));
    assert.equal(deleted.$metadata.httpStatusCode, 202);
  });

  it('a method behind a Lambda authorizer answers 500 {"message": null} AuthorizerConfigurationException; 401 without its token', async () => {
    let authorizerId = '';
    const api = await mockApi('behind-authorizer', async (a, resourceId) => {
      authorizerId = (await ag.send(new AG.CreateAuthorizerCommand({ restApiId: a.id!, name: 'lambda', type: 'TOKEN', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Authorization' }))).id!;
      await mockMethod(a.id!, resourceId, { authorizationType: 'CUSTOM', authorizerId });
      await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id!, stageName: 'test' }));
    });
    const withToken = await fetch(api.invoke, { headers: { authorization: 'Bearer abc' } });
    assert.equal(withToken.status, 500);
    assert.equal(withToken.headers.get('x-amzn-errortype'), 'AuthorizerConfigurationException');
    assert.equal(await withToken.text(), '{"message": null}');
    const without = await fetch(api.invoke);
    assert.equal(without.status, 401);
    assert.equal(without.headers.get('x-amzn-errortype'), 'UnauthorizedException');
    assert.deepEqual(await without.json(), { message: 'Unauthorized' });
    // The deployment froze the authorizer: the stage's export names it.
    const exported = await ag.send(new AG.GetExportCommand({ restApiId: api.id, stageName: 'test', exportType: 'oas30', parameters: { extensions: 'apigateway' }, accepts: 'application/json' }));
    const doc = JSON.parse(Buffer.from(exported.body!).toString('utf8'));
    assert.equal(doc.components.securitySchemes.lambda['x-amazon-apigateway-authorizer'].authorizerUri, LAMBDA_URI);
    assert.deepEqual(doc.paths['/pets'].get.security, [{ lambda: [] }]);
    // A customised AUTHORIZER_CONFIGURATION_ERROR response applies.
    await ag.send(new AG.PutGatewayResponseCommand({ restApiId: api.id, responseType: 'AUTHORIZER_CONFIGURATION_ERROR', statusCode: '503', responseTemplates: { 'application/json': '{"error":"$context.error.responseType"}' } }));
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: api.id, stageName: 'test' }));
    const custom = await fetch(api.invoke, { headers: { authorization: 'Bearer abc' } });
    assert.equal(custom.status, 503);
    assert.deepEqual(await custom.json(), { error: 'AUTHORIZER_CONFIGURATION_ERROR' });
  });

  it('ImportRestApi takes x-amazon-apigateway-authorizer security schemes and x-amazon-apigateway-documentation; export gives them back', async () => {
    const definition = {
      openapi: '3.0.1',
      info: { title: 'with-authorizer', version: '1.0' },
      paths: {
        '/pets': {
          get: {
            security: [{ 'custom-auth': [] }],
            responses: { 200: { description: 'ok' } },
            'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode": 200}' }, responses: { default: { statusCode: '200' } } },
          },
        },
      },
      components: {
        securitySchemes: {
          'custom-auth': {
            type: 'apiKey', name: 'Custom-Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'custom',
            'x-amazon-apigateway-authorizer': { type: 'request', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Custom-Authorization' },
          },
        },
      },
      'x-amazon-apigateway-documentation': {
        version: '1',
        documentationParts: [
          { location: { type: 'API' }, properties: { description: 'API description' } },
          { location: { type: 'METHOD', path: '/pets', method: 'GET' }, properties: { description: 'Lists pets.' } },
        ],
      },
    };
    const api = await ag.send(new AG.ImportRestApiCommand({ body: Buffer.from(JSON.stringify(definition)) }));
    const [authorizer] = (await ag.send(new AG.GetAuthorizersCommand({ restApiId: api.id! }))).items!;
    assert.deepEqual(
      { ...authorizer, id: undefined },
      { id: undefined, name: 'custom-auth', type: 'REQUEST', authType: 'custom', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Custom-Authorization', authorizerResultTtlInSeconds: 300 },
    );
    const resources = (await ag.send(new AG.GetResourcesCommand({ restApiId: api.id! }))).items!;
    const pets = resources.find((r) => r.path === '/pets')!;
    const method = await ag.send(new AG.GetMethodCommand({ restApiId: api.id!, resourceId: pets.id!, httpMethod: 'GET' }));
    assert.equal(method.authorizationType, 'CUSTOM');
    assert.equal(method.authorizerId, authorizer!.id);
    const parts = (await ag.send(new AG.GetDocumentationPartsCommand({ restApiId: api.id! }))).items!;
    assert.deepEqual(parts.map((p) => [p.location, JSON.parse(p.properties!)]), [
      [{ type: 'API' }, { description: 'API description' }],
      [{ type: 'METHOD', path: '/pets', method: 'GET' }, { description: 'Lists pets.' }],
    ]);
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: api.id!, stageName: 'v1' }));
    const exported = await ag.send(new AG.GetExportCommand({ restApiId: api.id!, stageName: 'v1', exportType: 'oas30', parameters: { extensions: 'apigateway' }, accepts: 'application/json' }));
    const doc = JSON.parse(Buffer.from(exported.body!).toString('utf8'));
    assert.equal(doc.components.securitySchemes['custom-auth']['x-amazon-apigateway-authorizer'].type, 'request');
    assert.equal(doc['x-amazon-apigateway-documentation'].documentationParts.length, 2);
  });
});

describe('documentation parts and versions', () => {
  it('create, get, list, update /properties only, delete; AWS errors', async () => {
    const api = await ag.send(new AG.CreateRestApiCommand({ name: 'documented' }));
    const part = await ag.send(new AG.CreateDocumentationPartCommand({ restApiId: api.id!, location: { type: 'API' }, properties: '{"description": "Sample API description"}' }));
    assert.equal(part.$metadata.httpStatusCode, 201);
    assert.deepEqual(part.location, { type: 'API' });
    assert.equal((await ag.send(new AG.GetDocumentationPartCommand({ restApiId: api.id!, documentationPartId: part.id! }))).properties, '{"description": "Sample API description"}');
    const updated = await ag.send(new AG.UpdateDocumentationPartCommand({ restApiId: api.id!, documentationPartId: part.id!, patchOperations: [{ op: 'replace', path: '/properties', value: '{"description": "Updated"}' }] }));
    assert.equal(updated.properties, '{"description": "Updated"}');
    await rejectsWith(
      ag.send(new AG.UpdateDocumentationPartCommand({ restApiId: api.id!, documentationPartId: part.id!, patchOperations: [{ op: 'add', path: '/properties', value: '{}' }] })),
      'BadRequestException', "Invalid patch path  '/properties' specified for op 'add'. Please choose supported operations", 400,
    );
    await rejectsWith(
      ag.send(new AG.UpdateDocumentationPartCommand({ restApiId: api.id!, documentationPartId: part.id!, patchOperations: [{ op: 'replace', path: '/invalidPath', value: '{}' }] })),
      'BadRequestException', "Invalid patch path  '/invalidPath' specified for op 'replace'. Must be one of: [/properties]", 400,
    );
    await rejectsWith(ag.send(new AG.GetDocumentationPartCommand({ restApiId: 'api_id', documentationPartId: part.id! })), 'NotFoundException', 'Invalid Documentation part identifier specified', 404);
    await rejectsWith(ag.send(new AG.GetDocumentationPartsCommand({ restApiId: 'api_id' })), 'NotFoundException', `Invalid API identifier specified ${ACCOUNT}:api_id`, 404);
    await rejectsWith(
      ag.send(new AG.ImportDocumentationPartsCommand({ restApiId: api.id!, body: Buffer.from('not: [a definition') })),
      'BadRequestException', 'Unable to build importer with provided input.', 400,
    );

    const version = await ag.send(new AG.CreateDocumentationVersionCommand({ restApiId: api.id!, documentationVersion: 'v123' }));
    assert.equal(version.$metadata.httpStatusCode, 201);
    assert.equal(version.version, 'v123');
    assert.ok(version.createdDate instanceof Date);
    const described = await ag.send(new AG.UpdateDocumentationVersionCommand({ restApiId: api.id!, documentationVersion: 'v123', patchOperations: [{ op: 'replace', path: '/description', value: 'doc version new' }] }));
    assert.equal(described.description, 'doc version new');
    assert.deepEqual((await ag.send(new AG.GetDocumentationVersionsCommand({ restApiId: api.id! }))).items!.map((v) => v.version), ['v123']);
    await ag.send(new AG.DeleteDocumentationVersionCommand({ restApiId: api.id!, documentationVersion: 'v123' }));

    const removed = await ag.send(new AG.DeleteDocumentationPartCommand({ restApiId: api.id!, documentationPartId: part.id! }));
    assert.equal(removed.$metadata.httpStatusCode, 202);
    await rejectsWith(ag.send(new AG.DeleteDocumentationPartCommand({ restApiId: api.id!, documentationPartId: part.id! })), 'NotFoundException', 'Invalid Documentation part identifier specified', 404);

    const imported = await ag.send(new AG.ImportDocumentationPartsCommand({
      restApiId: api.id!,
      body: Buffer.from(JSON.stringify({ openapi: '3.0.1', info: { title: 'x', version: '1' }, paths: {}, 'x-amazon-apigateway-documentation': { documentationParts: [{ location: { type: 'API' }, properties: { description: 'imported' } }] } })),
    }));
    assert.equal(imported.ids!.length, 1);
  });
});

describe('VPC links, client certificates, domain names, base path mappings', () => {
  it('VPC links: 202 PENDING, then AVAILABLE; AWS errors', async () => {
    const nlb = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/net/nlb/0123456789abcdef`;
    const created = await ag.send(new AG.CreateVpcLinkCommand({ name: 'link', targetArns: [nlb] }));
    assert.equal(created.$metadata.httpStatusCode, 202);
    assert.equal(created.status, 'PENDING');
    const got = await ag.send(new AG.GetVpcLinkCommand({ vpcLinkId: created.id! }));
    assert.equal(got.status, 'AVAILABLE');
    assert.equal(got.statusMessage, 'Your vpc link is ready for use');
    assert.deepEqual(got.tags, {});
    const renamed = await ag.send(new AG.UpdateVpcLinkCommand({ vpcLinkId: created.id!, patchOperations: [{ op: 'replace', path: '/name', value: 'link-updated' }] }));
    assert.equal(renamed.name, 'link-updated');
    assert.equal((await ag.send(new AG.GetVpcLinksCommand({}))).items!.length, 1);
    await rejectsWith(ag.send(new AG.CreateVpcLinkCommand({ name: 'bad', targetArns: ['invalid-arn'] })), 'BadRequestException', 'Invalid ARN. ARN is not well formed invalid-arn', 400);
    await rejectsWith(ag.send(new AG.CreateVpcLinkCommand({ name: '', targetArns: [nlb] })), 'BadRequestException', 'Name cannot be empty', 400);
    assert.equal((await ag.send(new AG.DeleteVpcLinkCommand({ vpcLinkId: created.id! }))).$metadata.httpStatusCode, 202);
    await rejectsWith(ag.send(new AG.GetVpcLinkCommand({ vpcLinkId: created.id! })), 'NotFoundException', 'Invalid Vpc Link identifier specified', 404);
  });

  it('client certificates: a real self-signed PEM valid for a year', async () => {
    const cert = await ag.send(new AG.GenerateClientCertificateCommand({ description: 'backend', tags: { team: 'a' } }));
    assert.equal(cert.$metadata.httpStatusCode, 201);
    const x509 = new X509Certificate(cert.pemEncodedCertificate!);
    assert.ok(x509.verify(x509.publicKey));
    assert.equal(Math.round((cert.expirationDate!.getTime() - cert.createdDate!.getTime()) / 86_400_000), 365);
    const updated = await ag.send(new AG.UpdateClientCertificateCommand({ clientCertificateId: cert.clientCertificateId!, patchOperations: [{ op: 'replace', path: '/description', value: 'changed' }] }));
    assert.equal(updated.description, 'changed');
    await ag.send(new AG.DeleteClientCertificateCommand({ clientCertificateId: cert.clientCertificateId! }));
    assert.deepEqual((await ag.send(new AG.GetClientCertificatesCommand({}))).items, []);
  });

  it('domain names and base path mappings', async () => {
    const api = await mockApi('mapped', async (a, resourceId) => {
      await mockMethod(a.id!, resourceId, {});
      await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id!, stageName: 'test' }));
    });
    const domain = await ag.send(new AG.CreateDomainNameCommand({
      domainName: 'api.example.com', regionalCertificateArn: `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc`, endpointConfiguration: { types: ['REGIONAL'] },
    }));
    assert.equal(domain.domainNameStatus, 'AVAILABLE');
    assert.match(domain.regionalDomainName!, /^d-[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/);
    assert.equal(domain.regionalHostedZoneId, 'Z1UJRXOUMOOFQ8');
    const mapping = await ag.send(new AG.CreateBasePathMappingCommand({ domainName: 'api.example.com', restApiId: api.id, stage: 'test' }));
    assert.deepEqual({ basePath: mapping.basePath, restApiId: mapping.restApiId, stage: mapping.stage }, { basePath: '(none)', restApiId: api.id, stage: 'test' });
    await rejectsWith(ag.send(new AG.CreateBasePathMappingCommand({ domainName: 'api.example.com', restApiId: api.id })), 'ConflictException', 'Base path already exists for this domain name', 409);
    await rejectsWith(ag.send(new AG.CreateBasePathMappingCommand({ domainName: 'api.example.com', basePath: 'v2', restApiId: 'nope000000' })), 'BadRequestException', 'Invalid REST API identifier specified', 400);
    await ag.send(new AG.CreateBasePathMappingCommand({ domainName: 'api.example.com', basePath: 'v2', restApiId: api.id, stage: 'test' }));
    const moved = await ag.send(new AG.UpdateBasePathMappingCommand({ domainName: 'api.example.com', basePath: 'v2', patchOperations: [{ op: 'replace', path: '/basePath', value: 'v3' }] }));
    assert.equal(moved.basePath, 'v3');
    assert.deepEqual((await ag.send(new AG.GetBasePathMappingsCommand({ domainName: 'api.example.com' }))).items!.map((m) => m.basePath).sort(), ['(none)', 'v3']);
    await ag.send(new AG.DeleteBasePathMappingCommand({ domainName: 'api.example.com', basePath: 'v3' }));
    await rejectsWith(ag.send(new AG.GetBasePathMappingCommand({ domainName: 'api.example.com', basePath: 'v3' })), 'NotFoundException', 'Invalid base path mapping identifier specified', 404);
    await ag.send(new AG.DeleteDomainNameCommand({ domainName: 'api.example.com' }));
    await rejectsWith(ag.send(new AG.GetDomainNameCommand({ domainName: 'api.example.com' })), 'NotFoundException', 'Invalid domain name identifier specified', 404);
  });
});

describe('UpdateAccount', () => {
  const refusal = 'The role ARN does not have required permissions configured. Please grant trust permission for API Gateway and add the required role policy.';

  it('GetAccount as a fresh account reports it; the CloudWatch role must trust API Gateway and allow logging', async () => {
    const fresh = await ag.send(new AG.GetAccountCommand({}));
    assert.deepEqual({ ...fresh, $metadata: undefined }, { $metadata: undefined, throttleSettings: { burstLimit: 5000, rateLimit: 10000 }, features: ['UsagePlans'], apiKeyVersion: '4' });
    const set = (arn: string): Promise<AG.UpdateAccountCommandOutput> => ag.send(new AG.UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: arn }] }));

    await rejectsWith(set(`arn:aws:iam::${ACCOUNT}:role/missing`), 'BadRequestException', refusal, 400);
    await iam.send(new I.CreateRoleCommand({ RoleName: 'untrusted', AssumeRolePolicyDocument: trust.replace('apigateway', 'lambda') }));
    await iam.send(new I.AttachRolePolicyCommand({ RoleName: 'untrusted', PolicyArn: PUSH_LOGS }));
    await rejectsWith(set(`arn:aws:iam::${ACCOUNT}:role/untrusted`), 'BadRequestException', refusal, 400);
    await iam.send(new I.CreateRoleCommand({ RoleName: 'no-policy', AssumeRolePolicyDocument: trust }));
    await rejectsWith(set(`arn:aws:iam::${ACCOUNT}:role/no-policy`), 'BadRequestException', refusal, 400);
    await iam.send(new I.AttachRolePolicyCommand({ RoleName: 'no-policy', PolicyArn: PUSH_LOGS }));
    const ok = await set(`arn:aws:iam::${ACCOUNT}:role/no-policy`);
    assert.equal(ok.cloudwatchRoleArn, `arn:aws:iam::${ACCOUNT}:role/no-policy`);
    assert.equal((await ag.send(new AG.GetAccountCommand({}))).cloudwatchRoleArn, `arn:aws:iam::${ACCOUNT}:role/no-policy`);
    await rejectsWith(
      ag.send(new AG.UpdateAccountCommand({ patchOperations: [{ op: 'remove', path: '/features', value: 'UsagePlans' }] })),
      'BadRequestException', 'Usage Plans cannot be disabled once enabled', 400,
    );
    // Clearing it (what Terraform's reset_on_delete sends).
    const cleared = await ag.send(new AG.UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: '' }] }));
    assert.equal(cleared.cloudwatchRoleArn, undefined);
  });

  it('the setting survives a restart', async () => {
    const dir = tempDir();
    try {
      const first = await startTestSluice({ dataDir: dir.path });
      const role = `arn:aws:iam::${ACCOUNT}:role/apigAwsProxyRole`; // created at startup, trusted by API Gateway
      const c1 = new AG.APIGatewayClient({ endpoint: first.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
      const i1 = new I.IAMClient({ endpoint: first.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
      await i1.send(new I.AttachRolePolicyCommand({ RoleName: 'apigAwsProxyRole', PolicyArn: PUSH_LOGS }));
      await c1.send(new AG.UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: role }] }));
      c1.destroy();
      i1.destroy();
      await first.close();
      const second = await startTestSluice({ dataDir: dir.path });
      const c2 = new AG.APIGatewayClient({ endpoint: second.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
      assert.equal((await c2.send(new AG.GetAccountCommand({}))).cloudwatchRoleArn, role);
      c2.destroy();
      await second.close();
    } finally {
      dir.remove();
    }
  });
});

describe('iam:PassRole for authorizer credentials and the CloudWatch role (--auth sigv4)', () => {
  let secured: Sluice;
  let admin: I.IAMClient;
  let denied: AG.APIGatewayClient;
  let passer: AG.APIGatewayClient;
  const role = `arn:aws:iam::${ACCOUNT}:role/apigAwsProxyRole`;
  const passDenial = (user: string): string =>
    `User: arn:aws:iam::${ACCOUNT}:user/${user} is not authorized to perform: iam:PassRole on resource: ${role} because no identity-based policy allows the iam:PassRole action`;

  before(async () => {
    secured = await startTestSluice({ auth: 'sigv4', rootAccessKeyId: testCredentials.accessKeyId, rootSecretAccessKey: testCredentials.secretAccessKey });
    admin = new I.IAMClient({ endpoint: secured.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    const user = async (name: string, inline?: object): Promise<{ accessKeyId: string; secretAccessKey: string }> => {
      await admin.send(new I.CreateUserCommand({ UserName: name }));
      await admin.send(new I.AttachUserPolicyCommand({ UserName: name, PolicyArn: 'arn:aws:iam::aws:policy/AmazonAPIGatewayAdministrator' }));
      if (inline) await admin.send(new I.PutUserPolicyCommand({ UserName: name, PolicyName: 'pass', PolicyDocument: JSON.stringify(inline) }));
      const key = (await admin.send(new I.CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    };
    denied = new AG.APIGatewayClient({ endpoint: secured.url, region: 'us-east-1', maxAttempts: 1, credentials: await user('no-pass') });
    passer = new AG.APIGatewayClient({
      endpoint: secured.url, region: 'us-east-1', maxAttempts: 1,
      credentials: await user('passer', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: role, Condition: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } } }] }),
    });
    await admin.send(new I.AttachRolePolicyCommand({ RoleName: 'apigAwsProxyRole', PolicyArn: PUSH_LOGS }));
  });

  after(async () => {
    for (const c of [admin, denied, passer]) c.destroy();
    await secured.close();
  });

  it('CreateAuthorizer and UpdateAuthorizer with authorizerCredentials', async () => {
    const api = await passer.send(new AG.CreateRestApiCommand({ name: 'pass-authorizer' }));
    const input = { restApiId: api.id!, name: 'a', type: 'TOKEN' as const, authorizerUri: LAMBDA_URI, authorizerCredentials: role };
    await rejectsWith(denied.send(new AG.CreateAuthorizerCommand(input)), 'AccessDeniedException', passDenial('no-pass'), 403);
    assert.deepEqual((await passer.send(new AG.GetAuthorizersCommand({ restApiId: api.id! }))).items, []);
    const created = await passer.send(new AG.CreateAuthorizerCommand(input));
    // Without credentials there is no role to pass.
    await denied.send(new AG.CreateAuthorizerCommand({ ...input, name: 'b', authorizerCredentials: undefined }));
    const patch = { restApiId: api.id!, authorizerId: created.id!, patchOperations: [{ op: 'replace' as const, path: '/authorizerCredentials', value: role }] };
    await rejectsWith(denied.send(new AG.UpdateAuthorizerCommand(patch)), 'AccessDeniedException', passDenial('no-pass'), 403);
    await passer.send(new AG.UpdateAuthorizerCommand(patch));
  });

  it('UpdateAccount with /cloudwatchRoleArn', async () => {
    const patch = { patchOperations: [{ op: 'replace' as const, path: '/cloudwatchRoleArn', value: role }] };
    await rejectsWith(denied.send(new AG.UpdateAccountCommand(patch)), 'AccessDeniedException', passDenial('no-pass'), 403);
    assert.equal((await passer.send(new AG.GetAccountCommand({}))).cloudwatchRoleArn, undefined);
    assert.equal((await passer.send(new AG.UpdateAccountCommand(patch))).cloudwatchRoleArn, role);
  });
});
