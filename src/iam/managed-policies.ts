/**
 * The AWS managed policies Sluice ships, with the documents, ARNs, version ids
 * and dates AWS publishes for them (AWS Managed Policy Reference Guide).
 * They live under the `aws` account and cannot be changed or deleted.
 */

export interface AwsManagedPolicy {
  readonly policyName: string;
  readonly arn: string;
  readonly policyId: string;
  readonly path: '/';
  readonly description: string;
  readonly defaultVersionId: string;
  readonly createDate: number;
  readonly updateDate: number;
  /** The published JSON document. */
  readonly document: string;
}

const doc = (statements: unknown[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);

/** AWS's policy ids are not published; these are stable stand-ins of the same shape (ANPA + 17). */
const define = (
  policyName: string,
  policyId: string,
  description: string,
  defaultVersionId: string,
  created: string,
  edited: string,
  statements: unknown[],
): AwsManagedPolicy => ({
  policyName,
  arn: `arn:aws:iam::aws:policy/${policyName}`,
  policyId,
  path: '/',
  description,
  defaultVersionId,
  createDate: Date.parse(created),
  updateDate: Date.parse(edited),
  document: doc(statements),
});

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
  define('AdministratorAccess', 'ANPAIWMBCKSKIEE64ZLYK', 'Provides full access to AWS services and resources.', 'v1',
    '2015-02-06T18:39:46Z', '2015-02-06T18:39:46Z',
    [{ Effect: 'Allow', Action: '*', Resource: '*' }]),
  define('AmazonKinesisFullAccess', 'ANPAIVF32HAMOXCUYRAYE', 'Provides full access to all streams via the AWS Management Console.', 'v1',
    '2015-02-06T18:40:01Z', '2015-02-06T18:40:01Z',
    [{ Effect: 'Allow', Action: 'kinesis:*', Resource: '*' }]),
  define('AmazonKinesisReadOnlyAccess', 'ANPAIOCMTDT5RLKZ2CAJO', 'Provides read only access to all streams via the AWS Management Console.', 'v1',
    '2015-02-06T18:40:02Z', '2015-02-06T18:40:02Z',
    [{ Effect: 'Allow', Action: ['kinesis:Get*', 'kinesis:List*', 'kinesis:Describe*'], Resource: '*' }]),
  define('AmazonAPIGatewayInvokeFullAccess', 'ANPAIIL3ZBTLUFAKWXM3W', 'Provides full access to invoke APIs in Amazon API Gateway.', 'v2',
    '2015-07-09T17:36:12Z', '2018-12-18T18:25:10Z',
    [{ Effect: 'Allow', Action: ['execute-api:Invoke', 'execute-api:ManageConnections'], Resource: 'arn:aws:execute-api:*:*:*' }]),
  define('AmazonAPIGatewayAdministrator', 'ANPAJ4PT6VY5NLKTNUYSI', 'Provides full access to create/edit/delete APIs in Amazon API Gateway via the AWS Management Console.', 'v1',
    '2015-07-09T17:34:45Z', '2015-07-09T17:34:45Z',
    [{ Effect: 'Allow', Action: ['apigateway:*'], Resource: 'arn:aws:apigateway:*::/*' }]),
];

const byArn = new Map(AWS_MANAGED_POLICIES.map((p) => [p.arn, p]));

export const awsManagedPolicy = (arn: string): AwsManagedPolicy | undefined => byArn.get(arn);
