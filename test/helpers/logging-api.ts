/**
 * A small REST API for the logging tests, made through the management API as
 * a user would with the SDK: `POST /ok` answers 200 from a MOCK integration,
 * `GET /down` calls an HTTP backend that is not listening (502, an
 * integration failure). Deployed to stage `test`.
 */
import net from 'node:net';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
} from '@aws-sdk/client-api-gateway';

/** A loopback port nothing listens on: bound by the system, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function createLoggingApi(client: APIGatewayClient, name = 'LoggingDemo'): Promise<string> {
  const api = await client.send(new CreateRestApiCommand({ name }));
  const restApiId = api.id!;
  const root = (await client.send(new GetResourcesCommand({ restApiId }))).items!.find((r) => r.path === '/')!;

  const ok = await client.send(new CreateResourceCommand({ restApiId, parentId: root.id!, pathPart: 'ok' }));
  await client.send(new PutMethodCommand({ restApiId, resourceId: ok.id!, httpMethod: 'POST', authorizationType: 'NONE' }));
  await client.send(new PutMethodResponseCommand({ restApiId, resourceId: ok.id!, httpMethod: 'POST', statusCode: '200' }));
  await client.send(new PutIntegrationCommand({
    restApiId, resourceId: ok.id!, httpMethod: 'POST', type: 'MOCK',
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
  }));
  await client.send(new PutIntegrationResponseCommand({
    restApiId, resourceId: ok.id!, httpMethod: 'POST', statusCode: '200',
    responseTemplates: { 'application/json': '{"ok": true}' },
  }));

  const down = await client.send(new CreateResourceCommand({ restApiId, parentId: root.id!, pathPart: 'down' }));
  await client.send(new PutMethodCommand({ restApiId, resourceId: down.id!, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(new PutMethodResponseCommand({ restApiId, resourceId: down.id!, httpMethod: 'GET', statusCode: '200' }));
  await client.send(new PutIntegrationCommand({
    restApiId, resourceId: down.id!, httpMethod: 'GET', type: 'HTTP', integrationHttpMethod: 'GET',
    uri: `http://127.0.0.1:${await closedPort()}/`,
  }));
  await client.send(new PutIntegrationResponseCommand({ restApiId, resourceId: down.id!, httpMethod: 'GET', statusCode: '200' }));

  await client.send(new CreateDeploymentCommand({ restApiId, stageName: 'test' }));
  return restApiId;
}
