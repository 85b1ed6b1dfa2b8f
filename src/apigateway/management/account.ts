/**
 * The account-level API Gateway settings (GetAccount, UpdateAccount), kept
 * in the DocumentStore. Terraform's aws_api_gateway_account sets
 * `/cloudwatchRoleArn` before any stage logs; AWS then checks that it can
 * assume the role and that the role may write CloudWatch Logs, and refuses
 * otherwise with BadRequestException "The role ARN does not have required
 * permissions configured. Please grant trust permission for API Gateway and
 * add the required role policy." (quoted from AWS in aws-cloudformation/rain#163
 * and tmobile/jazz-installer#597, the latter failing until
 * AmazonAPIGatewayPushToCloudWatchLogs was attached).
 */
import { updateDocument } from '../../store/documents.js';
import { badRequest } from '../errors.js';
import type { ManagementContext } from './context.js';
import { applyPatch, type PatchOperation } from './patch.js';

const KIND = 'apigateway.account';
const ID = 'account';

interface AccountSettings {
  readonly cloudwatchRoleArn?: string;
  readonly features: readonly string[];
}

/**
 * What API Gateway needs the CloudWatch role to allow: the permissions the
 * developer guide lists for logging ("Permissions for CloudWatch logging"),
 * which AmazonAPIGatewayPushToCloudWatchLogs grants.
 */
export const CLOUDWATCH_LOGGING_ACTIONS = [
  'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams',
  'logs:PutLogEvents', 'logs:GetLogEvents', 'logs:FilterLogEvents',
] as const;

const NO_PERMISSION = 'The role ARN does not have required permissions configured. Please grant trust permission for API Gateway and add the required role policy.';

const DEFAULT_SETTINGS: AccountSettings = { features: ['UsagePlans'] };

async function load(ctx: ManagementContext): Promise<AccountSettings> {
  return (await ctx.repo.documents.get<AccountSettings>(KIND, ID)) ?? DEFAULT_SETTINGS;
}

/** As a fresh AWS account reports it, plus the CloudWatch role once one is set. */
function view(a: AccountSettings): Record<string, unknown> {
  return {
    cloudwatchRoleArn: a.cloudwatchRoleArn,
    throttleSettings: { burstLimit: 5000, rateLimit: 10000 },
    features: [...a.features],
    apiKeyVersion: '4',
  };
}

/** The account's CloudWatch role, which UpdateStage needs before a stage may log (stages.ts). */
export async function cloudWatchRoleArn(ctx: ManagementContext): Promise<string | undefined> {
  return (await load(ctx)).cloudwatchRoleArn;
}

export async function getAccount(ctx: ManagementContext): Promise<Record<string, unknown>> {
  return view(await load(ctx));
}

export async function updateAccount(ctx: ManagementContext, input: { patchOperations?: PatchOperation[] }): Promise<Record<string, unknown>> {
  // Read, patch, compare-and-set: a change another node made meanwhile is read again and patched over.
  const { doc: next } = await updateDocument<AccountSettings>(ctx.repo.documents, KIND, ID, (stored) => patchAccount(ctx, stored ?? DEFAULT_SETTINGS, input.patchOperations));
  return view(next);
}

function patchAccount(ctx: ManagementContext, current: AccountSettings, patchOperations: PatchOperation[] | undefined): AccountSettings {
  const draft: Record<string, unknown> = { ...current, features: [...current.features] };
  applyPatch(draft, {
    cloudwatchRoleArn: { kind: 'string', ops: ['replace', 'add', 'remove'] },
    features: { kind: 'set', ops: ['add', 'remove'] },
  }, patchOperations?.map(featureValueAsKey));
  if (!(draft['features'] as string[]).includes('UsagePlans')) throw badRequest('Usage Plans cannot be disabled once enabled');
  const role = draft['cloudwatchRoleArn'] as string | undefined;
  if (role !== undefined && role !== current.cloudwatchRoleArn) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(role)) throw badRequest(NO_PERMISSION);
    if (ctx.roles && !ctx.roles.canActAs(role, CLOUDWATCH_LOGGING_ACTIONS)) throw badRequest(NO_PERMISSION);
  }
  return { ...(role !== undefined ? { cloudwatchRoleArn: role } : {}), features: draft['features'] as string[] };
}

/** `{op: add, path: /features, value: X}` names the feature in its value; the set patcher wants it in the path. */
function featureValueAsKey(op: PatchOperation): PatchOperation {
  if (op.path !== '/features' || op.value === undefined || op.value === null) return op;
  return { ...op, path: `/features/${op.value.replaceAll('~', '~0').replaceAll('/', '~1')}` };
}
