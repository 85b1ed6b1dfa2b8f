/**
 * The account-level CloudWatch role API Gateway needs before a stage may log (access logs, a
 * logging level other than OFF), set up as a user does it: an IAM role that API Gateway may
 * assume, with AmazonAPIGatewayPushToCloudWatchLogs attached, named in UpdateAccount's
 * `/cloudwatchRoleArn` (what the Terraform example's aws_api_gateway_account does).
 */
import { APIGatewayClient, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { testCredentials } from './sluice.js';

export const PUSH_TO_CLOUDWATCH_LOGS = 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';

export const API_GATEWAY_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Creates the role `name` and makes it the account's CloudWatch role; returns its ARN. */
export async function setCloudWatchRole(url: string, name = 'apigateway-cloudwatch-logs'): Promise<string> {
  const config = { endpoint: url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 };
  const iam = new IAMClient(config);
  const apigateway = new APIGatewayClient(config);
  try {
    const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: API_GATEWAY_TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: PUSH_TO_CLOUDWATCH_LOGS }));
    await apigateway.send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: Role!.Arn! }] }));
    return Role!.Arn!;
  } finally {
    iam.destroy();
    apigateway.destroy();
  }
}
