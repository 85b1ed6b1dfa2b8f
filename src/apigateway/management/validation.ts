/**
 * API Gateway's own input validation (its Coral front end), which differs
 * from the other services' in what AWS's recorded answers show
 * (localstack/localstack tests/aws/services/apigateway/test_apigateway_api.snapshot.json):
 *  - members of the body are named from the operation's input,
 *    `'createRestApiInput.endpointConfiguration.types'`,
 *    `'updateRestApiInput.patchOperations.1.member.op'`; members in the URI
 *    by their own name (`'statusCode'`, `'responseType'`), and reported after
 *    the body's;
 *  - members in declaration order (`types` before `ipAddressType`);
 *  - a list of enums is checked as a whole: `Value '[wrong]' at '...types'
 *    failed to satisfy constraint: Member must satisfy constraint: [Member
 *    must satisfy enum value set: [PRIVATE, EDGE, REGIONAL]]`;
 *  - enum sets are listed in the order of AWS's (hash) sets where a recording
 *    shows it, otherwise in the model's order.
 * Everything answers ValidationException (400), at most 10 messages.
 */
import { AwsError } from '../../protocol/errors.js';
import type { MemberRef, Operation, ServiceModel, Shape } from '../../protocol/model.js';

/** Enum sets as AWS lists them in its messages (recorded), by shape name. */
const AWS_ENUM_ORDER: Readonly<Record<string, readonly string[]>> = {
  Op: ['add', 'remove', 'move', 'test', 'replace', 'copy'],
  IntegrationType: ['HTTP', 'MOCK', 'AWS_PROXY', 'HTTP_PROXY', 'AWS'],
  EndpointType: ['PRIVATE', 'EDGE', 'REGIONAL'],
  IpAddressType: ['ipv4', 'dualstack'],
  GatewayResponseType: [
    'REQUEST_TOO_LARGE', 'RESOURCE_NOT_FOUND', 'AUTHORIZER_CONFIGURATION_ERROR', 'MISSING_AUTHENTICATION_TOKEN', 'BAD_REQUEST_BODY',
    'INVALID_SIGNATURE', 'INVALID_API_KEY', 'BAD_REQUEST_PARAMETERS', 'AUTHORIZER_FAILURE', 'UNAUTHORIZED', 'INTEGRATION_TIMEOUT',
    'ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX', 'WAF_FILTERED', 'QUOTA_EXCEEDED', 'THROTTLED', 'API_CONFIGURATION_ERROR',
    'UNSUPPORTED_MEDIA_TYPE', 'INTEGRATION_FAILURE', 'EXPIRED_TOKEN',
  ],
};

const MAX_MESSAGES = 10;

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

function enumSet(shapeName: string, values: readonly string[]): string {
  return `[${(AWS_ENUM_ORDER[shapeName] ?? values).join(', ')}]`;
}

/** Java's toString of what was sent. */
function render(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(render).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}=${render(x)}`).join(', ')}}`;
  return String(v);
}

class Collector {
  readonly messages: string[] = [];
  add(value: unknown, path: string, constraint: string): void {
    if (this.messages.length < MAX_MESSAGES) this.messages.push(`Value ${value === undefined ? 'null' : `'${render(value)}'`} at '${path}' failed to satisfy constraint: ${constraint}`);
  }
}

function check(model: ServiceModel, ref: MemberRef, v: unknown, path: string, required: boolean, out: Collector): void {
  const shape = model.shapes[ref.shape]!;
  if (v === undefined || v === null) {
    if (required) out.add(undefined, path, 'Member must not be null');
    return;
  }
  switch (shape.type) {
    case 'string':
      if (shape.pattern !== undefined && !new RegExp(`^(?:${shape.pattern})$`, 'u').test(String(v))) {
        out.add(v, path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      if (shape.enum && !shape.enum.includes(String(v))) out.add(v, path, `Member must satisfy enum value set: ${enumSet(ref.shape, shape.enum)}`);
      return;
    case 'list': {
      const items = v as unknown[];
      const member = model.shapes[shape.member.shape]!;
      if (member.type === 'string' && member.enum) {
        if (items.some((i) => !member.enum!.includes(String(i)))) {
          out.add(items, path, `Member must satisfy constraint: [Member must satisfy enum value set: ${enumSet(shape.member.shape, member.enum)}]`);
        }
        return;
      }
      items.forEach((item, i) => check(model, shape.member, item, `${path}.${i + 1}.member`, false, out));
      return;
    }
    case 'map':
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) check(model, shape.value, item, `${path}.${k}.member`, false, out);
      return;
    case 'structure':
      checkMembers(model, shape, v as Record<string, unknown>, Object.keys(shape.members), `${path}.`, out);
      return;
    default:
      return;
  }
}

function checkMembers(
  model: ServiceModel,
  shape: Extract<Shape, { type: 'structure' }>,
  v: Record<string, unknown>,
  names: readonly string[],
  prefix: string,
  out: Collector,
): void {
  const required = new Set(shape.required ?? []);
  for (const name of names) check(model, shape.members[name]!, v[name], `${prefix}${lowerFirst(name)}`, required.has(name), out);
}

/** Throws API Gateway's ValidationException for an input that breaks the model. */
export function validateApiGatewayInput(model: ServiceModel, operation: Operation, input: Record<string, unknown>): void {
  if (!operation.input) return;
  const shape = model.shapes[operation.input.shape];
  if (!shape || shape.type !== 'structure') return;
  const out = new Collector();
  const names = Object.keys(shape.members);
  const inBody = names.filter((n) => !shape.members[n]!.location);
  const elsewhere = names.filter((n) => shape.members[n]!.location);
  checkMembers(model, shape, input, inBody, `${lowerFirst(operation.name)}Input.`, out);
  checkMembers(model, shape, input, elsewhere, '', out);
  const n = out.messages.length;
  if (n > 0) throw new AwsError('ValidationException', `${n} validation error${n > 1 ? 's' : ''} detected: ${out.messages.join('; ')}`, 400);
}
