/**
 * Declarative start-up state (`--init <file>`, `SLUICE_INIT`, and
 * `SLUICE_INIT_STREAMS=name:shards,...` in kinesis-mock's and LocalStack's
 * style): streams, consumers, IAM roles, users and policies, and APIs to have
 * at start, created if absent and left alone if present, so the same file
 * can be applied to every start. Everything is created through the public
 * APIs in-process, as the account root, so it is validated exactly as a
 * client's call would be and an invalid file fails with AWS's error.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Handler, SluiceRequest } from './types.js';

export interface InitStream {
  readonly name: string;
  /** Shards (provisioned); absent with mode ON_DEMAND. */
  readonly shards?: number;
  readonly mode?: 'PROVISIONED' | 'ON_DEMAND';
  readonly retentionHours?: number;
  readonly tags?: Record<string, string>;
  readonly consumers?: readonly string[];
}

export interface InitHolder {
  readonly name: string;
  readonly path?: string;
  readonly managedPolicies?: readonly string[];
  readonly inlinePolicies?: Record<string, unknown>;
}

export interface InitRole extends InitHolder {
  /** A service principal (`apigateway.amazonaws.com`) or a whole trust policy document. */
  readonly trust: string | Record<string, unknown>;
  readonly description?: string;
}

export interface InitUser extends InitHolder {
  /** An access key to create for the user, with a fixed id and secret (for CI). */
  readonly accessKey?: { readonly id: string; readonly secret: string };
}

export interface InitSpec {
  readonly streams?: readonly InitStream[];
  readonly iam?: {
    readonly policies?: ReadonlyArray<{ readonly name: string; readonly path?: string; readonly document: unknown; readonly description?: string }>;
    readonly roles?: readonly InitRole[];
    readonly users?: readonly InitUser[];
  };
  /** OpenAPI definitions to deploy (paths relative to the init file). */
  readonly apis?: ReadonlyArray<{ readonly file: string; readonly stage?: string }>;
}

export class InitError extends Error {}

/** `a:2,b:1,c` (shards default to 1) → streams. */
export function streamsFromList(list: string): InitStream[] {
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const [name, shards] = entry.split(':');
    const n = shards === undefined ? 1 : Number(shards);
    if (!name || !Number.isInteger(n) || n < 1) throw new InitError(`SLUICE_INIT_STREAMS: "${entry}" is not name[:shards]`);
    return { name, shards: n };
  });
}

export async function readInitFile(file: string): Promise<{ spec: InitSpec; baseDir: string }> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new InitError(`--init ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  let spec: unknown;
  try {
    spec = parseYaml(text);
  } catch (e) {
    throw new InitError(`--init ${file}: not YAML or JSON (${(e as Error).message})`);
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new InitError(`--init ${file}: expected a map with streams, iam and apis`);
  return { spec: spec as InitSpec, baseDir: dirname(resolve(file)) };
}

/** What applying a spec needs from the server: its dispatcher, and a way to make a request the root's. */
export interface InitTarget {
  readonly dispatch: Handler;
  readonly asRoot: (req: SluiceRequest) => SluiceRequest;
  readonly deployFile: (path: string, stage?: string) => Promise<unknown>;
  readonly log: (line: string) => void;
}

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

let counter = 0;
function request(method: string, path: string, headers: Record<string, string>, body: string): SluiceRequest {
  const q = path.indexOf('?');
  const rawQuery = q >= 0 ? path.slice(q + 1) : '';
  return {
    method,
    path: q >= 0 ? path.slice(0, q) : path,
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: { host: 'localhost', ...headers },
    body: Buffer.from(body),
    requestId: `init-${++counter}`,
    remoteAddress: '127.0.0.1',
    scheme: 'http',
  };
}

async function call(t: InitTarget, req: SluiceRequest): Promise<Answer> {
  const res = await t.dispatch(t.asRoot(req));
  const body = Buffer.isBuffer(res.body) ? res.body.toString('utf8') : '';
  const type = res.headers['x-amzn-errortype'] ?? /<Code>([^<]+)<\/Code>/.exec(body)?.[1] ?? /"__type":"([^"]+)"/.exec(body)?.[1] ?? '';
  return { status: res.status, type, body };
}

const kinesis = (t: InitTarget, action: string, input: object): Promise<Answer> =>
  call(t, request('POST', '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}` }, JSON.stringify(input)));

const iam = (t: InitTarget, params: Record<string, string>): Promise<Answer> =>
  call(t, request('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ Version: '2010-05-08', ...params }).toString()));

/** A call that must succeed, or fail only because what it creates is already there. */
function expect(what: string, a: Answer, alreadyThere: readonly string[]): 'created' | 'present' {
  if (a.status >= 200 && a.status < 300) return 'created';
  if (alreadyThere.includes(a.type)) return 'present';
  throw new InitError(`init: ${what}: ${a.type || a.status}: ${a.body.slice(0, 300)}`);
}

const documentText = (d: unknown): string => (typeof d === 'string' ? d : JSON.stringify(d));

async function applyStreams(t: InitTarget, streams: readonly InitStream[]): Promise<void> {
  for (const s of streams) {
    const onDemand = s.mode === 'ON_DEMAND';
    const created = expect(`stream ${s.name}`, await kinesis(t, 'CreateStream', {
      StreamName: s.name,
      ...(onDemand ? { StreamModeDetails: { StreamMode: 'ON_DEMAND' } } : { ShardCount: s.shards ?? 1 }),
      ...(s.tags ? { Tags: s.tags } : {}),
    }), ['ResourceInUseException']);
    if (created === 'created') {
      // Later settings need the stream ACTIVE.
      for (let i = 0; i < 200; i++) {
        const d = await kinesis(t, 'DescribeStreamSummary', { StreamName: s.name });
        if (/"StreamStatus":"ACTIVE"/.test(d.body)) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      if (s.retentionHours !== undefined && s.retentionHours > 24) {
        expect(`stream ${s.name} retention`, await kinesis(t, 'IncreaseStreamRetentionPeriod', { StreamName: s.name, RetentionPeriodHours: s.retentionHours }), []);
      }
      t.log(`init: created stream ${s.name}`);
    }
    const arn = /"StreamARN":"([^"]+)"/.exec((await kinesis(t, 'DescribeStreamSummary', { StreamName: s.name })).body)?.[1];
    for (const c of s.consumers ?? []) {
      if (expect(`consumer ${c} of ${s.name}`, await kinesis(t, 'RegisterStreamConsumer', { StreamARN: arn, ConsumerName: c }), ['ResourceInUseException']) === 'created') {
        t.log(`init: registered consumer ${c} on ${s.name}`);
      }
    }
  }
}

async function applyHolder(t: InitTarget, kind: 'Role' | 'User', h: InitHolder): Promise<void> {
  const nameKey = kind === 'Role' ? 'RoleName' : 'UserName';
  for (const arn of h.managedPolicies ?? []) {
    expect(`${kind.toLowerCase()} ${h.name}: attach ${arn}`, await iam(t, { Action: `Attach${kind}Policy`, [nameKey]: h.name, PolicyArn: arn }), []);
  }
  for (const [policyName, doc] of Object.entries(h.inlinePolicies ?? {})) {
    expect(`${kind.toLowerCase()} ${h.name}: policy ${policyName}`, await iam(t, { Action: `Put${kind}Policy`, [nameKey]: h.name, PolicyName: policyName, PolicyDocument: documentText(doc) }), []);
  }
}

async function applyIam(t: InitTarget, spec: NonNullable<InitSpec['iam']>, accessKey: (user: string, id: string, secret: string) => Promise<void>): Promise<void> {
  for (const p of spec.policies ?? []) {
    const r = await iam(t, { Action: 'CreatePolicy', PolicyName: p.name, PolicyDocument: documentText(p.document), ...(p.path ? { Path: p.path } : {}), ...(p.description ? { Description: p.description } : {}) });
    if (expect(`policy ${p.name}`, r, ['EntityAlreadyExists']) === 'created') t.log(`init: created policy ${p.name}`);
  }
  for (const role of spec.roles ?? []) {
    const trust = typeof role.trust === 'string'
      ? { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: role.trust }, Action: 'sts:AssumeRole' }] }
      : role.trust;
    const r = await iam(t, { Action: 'CreateRole', RoleName: role.name, AssumeRolePolicyDocument: JSON.stringify(trust), ...(role.path ? { Path: role.path } : {}), ...(role.description ? { Description: role.description } : {}) });
    if (expect(`role ${role.name}`, r, ['EntityAlreadyExists']) === 'created') {
      await applyHolder(t, 'Role', role);
      t.log(`init: created role ${role.name}`);
    }
  }
  for (const user of spec.users ?? []) {
    const r = await iam(t, { Action: 'CreateUser', UserName: user.name, ...(user.path ? { Path: user.path } : {}) });
    if (expect(`user ${user.name}`, r, ['EntityAlreadyExists']) === 'created') {
      await applyHolder(t, 'User', user);
      if (user.accessKey) await accessKey(user.name, user.accessKey.id, user.accessKey.secret);
      t.log(`init: created user ${user.name}`);
    }
  }
}

/** Applies a spec: creates what is absent, leaves what is present. */
export async function applyInit(
  t: InitTarget,
  spec: InitSpec,
  baseDir: string,
  accessKey: (user: string, id: string, secret: string) => Promise<void>,
): Promise<void> {
  if (spec.iam) await applyIam(t, spec.iam, accessKey);
  if (spec.streams) await applyStreams(t, spec.streams);
  for (const api of spec.apis ?? []) await t.deployFile(resolve(baseDir, api.file), api.stage);
}
