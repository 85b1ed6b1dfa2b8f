/**
 * How the IAM guard authorizes management calls, as IAM does for API
 * Gateway: clients sign for `apigateway`, the action is `apigateway:{HTTP
 * method}`, and the resource is the request path under
 * `arn:aws:apigateway:{region}::` (e.g. `.../restapis/a1b2c3d4e5/resources`).
 */
import type { AuthHook } from '../../iam/index.js';
import { restJsonError } from '../../protocol/rest-json.js';
import type { SluiceRequest } from '../../server/types.js';
import { apiGatewayModel } from './service.js';

export function managementAuthHook(region: string): AuthHook {
  return {
    dialect: 'rest-json',
    signingService: 'apigateway',
    target: (req: SluiceRequest) => {
      let path = req.path;
      try {
        path = decodeURIComponent(req.path);
      } catch {
        // An undecodable path is authorized as sent; the service refuses it.
      }
      return { action: `apigateway:${req.method.toUpperCase()}`, resource: `arn:aws:apigateway:${region}::${path}` };
    },
    render: (error) => restJsonError(apiGatewayModel, error),
  };
}
