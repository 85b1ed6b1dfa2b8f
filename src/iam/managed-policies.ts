/**
 * The AWS managed policies Sluice ships, with the documents, ARNs, version ids
 * and dates AWS publishes for them (AWS Managed Policy Reference Guide).
 * They live under the `aws` account and cannot be changed or deleted.
 * A few small ones are written out below; the rest (among them ReadOnlyAccess,
 * about 90 KB) are kept in models/aws-managed-policies.json, with provenance.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface AwsManagedPolicy {
  readonly policyName: string;
  readonly arn: string;
  readonly policyId: string;
  /** `/`, or e.g. `/service-role/` (AmazonAPIGatewayPushToCloudWatchLogs). */
  readonly path: string;
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

interface StoredPolicy {
  readonly policyName: string;
  readonly path: string;
  readonly description: string;
  readonly defaultVersionId: string;
  readonly createDate: string;
  readonly updateDate: string;
  readonly document: unknown;
}

/** A stable stand-in policy id (ANPA + 17), derived from the name, for policies whose id AWS does not publish. */
function standInId(name: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = createHash('sha256').update(name).digest();
  let id = 'ANPA';
  for (let i = 0; i < 17; i++) id += alphabet[bytes[i]! % alphabet.length];
  return id;
}

function loadStored(): AwsManagedPolicy[] {
  const file = fileURLToPath(new URL('../../../models/aws-managed-policies.json', import.meta.url));
  const { policies } = JSON.parse(readFileSync(file, 'utf8')) as { policies: StoredPolicy[] };
  return policies.map((p) => ({
    policyName: p.policyName,
    arn: `arn:aws:iam::aws:policy${p.path}${p.policyName}`,
    policyId: standInId(p.policyName),
    path: p.path,
    description: p.description,
    defaultVersionId: p.defaultVersionId,
    createDate: Date.parse(p.createDate),
    updateDate: Date.parse(p.updateDate),
    document: JSON.stringify(p.document, null, 2),
  }));
}

/** Every AWS managed policy Sluice knows, by name. */
export const ALL_AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [...AWS_MANAGED_POLICIES, ...loadStored()]
  .sort((a, b) => (a.policyName < b.policyName ? -1 : 1));

const byArn = new Map(ALL_AWS_MANAGED_POLICIES.map((p) => [p.arn, p]));

export const awsManagedPolicy = (arn: string): AwsManagedPolicy | undefined => byArn.get(arn);
