import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceReference } from '../../iam/reference.js';
import { ownAction, resourcePath } from './authorization.js';
import { apiGatewayModel } from './service.js';

describe('API Gateway management calls are authorized as the Service Authorization Reference maps them', () => {
  const reference = serviceReference('apigateway');
  for (const [name, op] of Object.entries(apiGatewayModel.operations)) {
    it(name, () => {
      const actions = reference.operations?.[name];
      assert.ok(actions, `${name} is in the reference`);
      // The call's own action is one the reference maps it to: apigateway:<HTTP method>, or a named one.
      assert.ok(actions.some((a) => a.action === ownAction(name, op.http.method)), `${name}: ${actions.map((a) => a.action).join(', ')}`);
      // Every operation the reference says passes a role is one Sluice checks iam:PassRole for (or does not implement).
      const passes = actions.some((a) => a.action === 'iam:PassRole');
      const checked = ['PutIntegration', 'UpdateIntegration', 'ImportRestApi', 'PutRestApi', 'CreateAuthorizer', 'UpdateAuthorizer', 'UpdateAccount'];
      if (passes) assert.ok(checked.includes(name), name);
    });
  }
});

describe('the resource a management call is authorized on', () => {
  it('is the URI template with the call\'s labels, URL-encoded as AWS names them', () => {
    assert.equal(resourcePath('/restapis/{restapi_id}/resources/{resource_id}/methods/{http_method}', { restapi_id: 'a1', resource_id: 'r2', http_method: 'GET' }), '/restapis/a1/resources/r2/methods/GET');
    assert.equal(resourcePath('/tags/{resource_arn}', { resource_arn: 'arn:aws:apigateway:us-east-1::/restapis/a1' }), '/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fa1');
    assert.equal(resourcePath('/restapis?mode=import', {}), '/restapis');
  });

  it('is the named action where AWS maps the operation to one', () => {
    assert.equal(ownAction('RejectDomainNameAccessAssociation', 'POST'), 'apigateway:RejectAccessAssociation');
    assert.equal(ownAction('GetRestApi', 'GET'), 'apigateway:GET');
  });

  it('cannot be steered by a label holding a path', () => {
    assert.equal(resourcePath('/restapis/{restapi_id}', { restapi_id: 'a1/../b2' }), '/restapis/a1%2F..%2Fb2');
  });
});
