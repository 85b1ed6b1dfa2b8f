/**
 * A seeded fuzzer for the whole server: Kinesis JSON and CBOR, IAM/STS Query,
 * the API Gateway management API, invoke URLs, and raw HTTP/1.1 and HTTP/2
 * framing. Each case is generated from the service models (a valid call to
 * start from) and then broken in one of the ways clients and attackers break
 * them. The oracle: every answer arrives in bounded time and is a 2xx, or a
 * 4xx in the service's own error shape, or an AWS-shaped gateway 5xx; the
 * server never crashes; and a PutRecord/GetRecords round trip still works
 * afterwards. The same seed replays the same cases.
 */
import http2 from 'node:http2';
import net from 'node:net';
import { encode as cborEncode, Tag } from 'cbor-x';
import { decodeCbor as cborDecode } from '../helpers/cbor.js';
import { apiGatewayModel } from '../../src/apigateway/management/service.js';
import { iamModel } from '../../src/iam/service.js';
import { kinesisModel } from '../../src/kinesis/model.js';
import type { ServiceModel } from '../../src/protocol/model.js';
import { stsModel } from '../../src/sts/service.js';
import { generate, queryParams } from '../helpers/model-inputs.js';

// ------------------------------------------------------------------ randomness

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

// ------------------------------------------------------------------ what a case is

export type Target = 'kinesis-json' | 'kinesis-cbor' | 'iam' | 'sts' | 'management' | 'invoke' | 'http1-raw' | 'http2-raw';

export interface FuzzCase {
  readonly index: number;
  readonly target: Target;
  readonly description: string;
  run(url: string): Promise<Verdict>;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly problem: string };

const ok: Verdict = { ok: true };
const bad = (problem: string): Verdict => ({ ok: false, problem });

/** Names the generator draws from; the round-trip stream is never among them. */
const STREAMS = ['fuzz-a', 'fuzz-b', 'x', ''];
export const ROUND_TRIP_STREAM = 'fuzz-round-trip';

/** Values that break things: wrong types, the non-numbers, sizes at and past limits. */
function hostileValue(rng: Rng, cbor: boolean): unknown {
  const pool: Array<() => unknown> = [
    () => null, () => true, () => 'x'.repeat(rng.pick([0, 1, 129, 2049, 70_000])), () => -1, () => 0, () => 1.5, () => -0,
    () => 2 ** 53 + 2, () => 1e308, () => [], () => ({}), () => [[[[[]]]]], () => ({ a: { b: { c: {} } } }),
    () => '\u0000\ud800\uffff', () => '../../etc/passwd', () => '${jndi:x}', () => '%00%2e%2e', () => rng.bytes(rng.int(64)).toString('latin1'),
  ];
  if (cbor) {
    pool.push(() => NaN, () => Infinity, () => -Infinity, () => new Tag(rng.bytes(rng.pick([1, 8, 9, 40])), 2), () => new Tag(NaN, 1), () => rng.bytes(rng.int(100)), () => 2n ** 70n);
  }
  return rng.pick(pool)();
}

function mutateObject(rng: Rng, input: Record<string, unknown>, cbor: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input };
  const keys = Object.keys(out);
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const r = rng.int(4);
    if (r === 0 && keys.length > 0) delete out[rng.pick(keys)];
    else if (r === 1 && keys.length > 0) out[rng.pick(keys)] = hostileValue(rng, cbor);
    else if (r === 2) out[rng.pick(['StreamName', 'StreamARN', 'Limit', 'ShardIterator', 'Records', 'Data', '__proto__', 'constructor', 'ResourceARN'])] = hostileValue(rng, cbor);
    else out[`Extra${rng.int(10)}`] = hostileValue(rng, cbor);
  }
  return out;
}

function flipBytes(rng: Rng, buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  if (out.length === 0) return rng.bytes(8);
  const how = rng.int(4);
  if (how === 0) return out.subarray(0, rng.int(out.length));
  if (how === 1) {
    for (let i = 0; i < 1 + rng.int(4); i++) out[rng.int(out.length)] = rng.int(256);
    return out;
  }
  if (how === 2) return Buffer.concat([out, rng.bytes(rng.int(16))]);
  return Buffer.concat([rng.bytes(rng.int(8)), out]);
}

// ------------------------------------------------------------------ oracle helpers

const TIMEOUT_MS = 10_000;

async function send(url: string, init: RequestInit & { path?: string }): Promise<{ status: number; headers: Headers; body: Buffer } | { error: string }> {
  try {
    const res = await fetch(`${url}${init.path ?? '/'}`, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

type Answer = Awaited<ReturnType<typeof send>>;

function judge(a: Answer, shape: (status: number, headers: Headers, body: Buffer) => string | undefined): Verdict {
  if ('error' in a) return bad(`no answer: ${a.error}`);
  if (a.status >= 200 && a.status < 300) return ok;
  const problem = shape(a.status, a.headers, a.body);
  return problem ? bad(`${a.status}: ${problem}: ${a.body.toString('utf8', 0, 300)}`) : ok;
}

const jsonErrorShape = (cbor: boolean) => (status: number, headers: Headers, body: Buffer): string | undefined => {
  if (status >= 500) return 'a 5xx from Kinesis';
  if (status < 400) return undefined;
  let doc: any;
  try {
    doc = cbor && headers.get('content-type') === 'application/x-amz-cbor-1.1' ? cborDecode(body) : JSON.parse(body.toString('utf8'));
  } catch {
    return 'an error body that does not parse';
  }
  return typeof doc?.__type === 'string' ? undefined : 'an error without __type';
};

/** A request no service claims (a Query body broken before its Action and Version) gets the dispatcher's 404. */
const notRouted = (status: number, body: Buffer): boolean => status === 404 && /"__type":"UnknownOperationException"/.test(body.toString('utf8', 0, 200));

const queryErrorShape = (status: number, _h: Headers, body: Buffer): string | undefined => {
  if (status >= 500) return 'a 5xx from IAM/STS';
  if (notRouted(status, body)) return undefined;
  const text = body.toString('utf8');
  return /^<ErrorResponse[\s>][\s\S]*<Code>[^<]+<\/Code>/.test(text) ? undefined : 'not a Query ErrorResponse';
};

const restErrorShape = (status: number, headers: Headers, body: Buffer): string | undefined => {
  if (status >= 500) return 'a 5xx from the management API';
  if (!headers.get('x-amzn-errortype')) return 'no x-amzn-errortype';
  try {
    const doc = JSON.parse(body.toString('utf8'));
    return typeof doc?.message === 'string' || typeof doc?.Message === 'string' ? undefined : 'no message';
  } catch {
    return 'an error body that does not parse';
  }
};

/** Invoke URLs: any 4xx with a JSON message, or API Gateway's own 5xx answers. */
const gatewayShape = (status: number, _h: Headers, body: Buffer): string | undefined => {
  try {
    const doc = JSON.parse(body.toString('utf8'));
    if (typeof doc?.message === 'string' || typeof doc?.Message === 'string') return undefined;
  } catch {
    // fall through
  }
  // Integration responses pass through whatever Kinesis said (JSON with __type) on 4xx.
  return status < 500 ? undefined : 'a 5xx that is not API Gateway-shaped';
};

// ------------------------------------------------------------------ generators, one per target

function kinesisCase(rng: Rng, index: number, cbor: boolean): FuzzCase {
  const ops = Object.keys(kinesisModel.operations).filter((o) => o !== 'SubscribeToShard');
  const op = rng.pick(ops);
  const base = generate(kinesisModel, kinesisModel.operations[op]!.input, { StreamName: rng.pick(STREAMS) }) as Record<string, unknown>;
  const mode = rng.int(5);
  let body: Buffer;
  let description: string;
  if (mode === 0) {
    body = cbor ? cborEncode(base) : Buffer.from(JSON.stringify(base));
    description = `${op} as generated`;
  } else if (mode <= 2) {
    const input = mutateObject(rng, base, cbor);
    body = cbor ? cborEncode(input) : Buffer.from(JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
    description = `${op} with mutated members`;
  } else if (mode === 3) {
    body = flipBytes(rng, cbor ? cborEncode(base) : Buffer.from(JSON.stringify(base)));
    description = `${op} with corrupted bytes`;
  } else {
    body = cbor ? Buffer.from([0xc2, 0x5a, 0x00, 0x01, 0x00, 0x00, ...rng.bytes(64)]) : Buffer.from('['.repeat(100_000) + ']'.repeat(100_000));
    description = `${op} with a hostile document`;
  }
  const target = rng.chance(0.05) ? 'Kinesis_20131202.NoSuchOperation' : `Kinesis_20131202.${op}`;
  const type = rng.chance(0.05) ? 'text/plain' : cbor ? 'application/x-amz-cbor-1.1' : 'application/x-amz-json-1.1';
  return {
    index, target: cbor ? 'kinesis-cbor' : 'kinesis-json', description,
    run: async (url) => judge(await send(url, { method: 'POST', headers: { 'content-type': type, 'x-amz-target': target }, body }), jsonErrorShape(cbor)),
  };
}

function queryCase(rng: Rng, index: number, service: 'iam' | 'sts'): FuzzCase {
  const model: ServiceModel = service === 'iam' ? iamModel : stsModel;
  const version = service === 'iam' ? '2010-05-08' : '2011-06-15';
  const op = rng.pick(Object.keys(model.operations));
  const input = generate(model, model.operations[op]!.input) as Record<string, unknown>;
  const ref = model.operations[op]!.input;
  const params: Record<string, string> = { Action: op, Version: version, ...(ref ? queryParams(model, ref, input) : {}) };
  const mode = rng.int(5);
  let description = `${op}`;
  if (mode === 1) {
    for (const k of Object.keys(params)) if (rng.chance(0.3)) params[k] = String(hostileValue(rng, false));
    description += ' with hostile values';
  } else if (mode === 2) {
    const n = rng.pick([500, 4000, 20_000]);
    for (let i = 1; i <= n; i++) {
      params[`Tags.member.${i}.Key`] = `k${i}`;
      params[`Tags.member.${i}.Value`] = 'v';
    }
    description += ` with ${n} tags`;
  } else if (mode === 3) {
    params[`${rng.pick(['Tags', 'PolicyArns', 'Marker'])}.member.${rng.int(1000)}.Key`] = 'x';
    params['MaxItems'] = rng.pick(['NaN', '1e400', '-1', '99999999999999999999', '']);
    description += ' with sparse lists and odd numbers';
  }
  const body = mode === 4 ? flipBytes(rng, Buffer.from(new URLSearchParams(params).toString())) : Buffer.from(new URLSearchParams(params).toString());
  return {
    index, target: service, description,
    run: async (url) => judge(await send(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }), queryErrorShape),
  };
}

function managementCase(rng: Rng, index: number): FuzzCase {
  const [name, op] = rng.pick(Object.entries(apiGatewayModel.operations));
  const label = (): string => rng.pick(['abc1234567', 'x', '%2e%2e', 'a%2Fb', '{}', 'GET', '200', 'prod', 'x'.repeat(300), '%ff']);
  const path = op.http.requestUri.split('?')[0]!.replace(/\{[^}]+\}/g, label);
  const query = op.http.requestUri.includes('?') ? `?${op.http.requestUri.split('?')[1]}` : '';
  const input = generate(apiGatewayModel, op.input) as Record<string, unknown>;
  const json = rng.chance(0.5) ? JSON.stringify(mutateObject(rng, input, false)) : flipBytes(rng, Buffer.from(JSON.stringify(input))).toString('latin1');
  const body = op.http.method === 'GET' || op.http.method === 'DELETE' ? undefined : json;
  return {
    index, target: 'management', description: `${name} ${op.http.method} ${path}`,
    run: async (url) => judge(await send(url, { method: op.http.method, path: path + query, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) }), restErrorShape),
  };
}

function invokeCase(rng: Rng, index: number, stageBase: string): FuzzCase {
  const method = rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
  const path = rng.pick(['/streams', `/streams/${rng.pick(STREAMS)}`, `/streams/${rng.pick(STREAMS)}/record`, `/streams/${rng.pick(STREAMS)}/records`, `/streams/${rng.pick(STREAMS)}/sharditerator?shard-id=${rng.pick(['shardId-000000000000', 'x', '%ff'])}`, '/nope', '/%2e%2e/x', `/${'a/'.repeat(50)}`]);
  const body = rng.pick([undefined, '{}', '{"Data":"x","PartitionKey":"k"}', '{"ShardCount":' + rng.pick(['1', '-1', '1e400', '"x"', '100000']) + '}', '{', rng.bytes(40).toString('latin1')]);
  const headers: Record<string, string> = { 'content-type': rng.pick(['application/json', 'text/plain', 'application/octet-stream', '']) };
  if (rng.chance(0.2)) headers['Shard-Iterator'] = rng.pick(['x', '', 'AAAA']);
  return {
    index, target: 'invoke', description: `${method} ${path}`,
    run: async (url) => judge(await send(url, { method, path: `${stageBase}${path}`, headers, ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}) }), gatewayShape),
  };
}

/** Malformed HTTP/1.1: the server answers 400 or closes; it never hangs or dies. */
function http1RawCase(rng: Rng, index: number): FuzzCase {
  const variants = [
    'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
    'GARBAGE\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
    `GET /${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET / HTTP/1.1\r\n${'X-A: b\r\n'.repeat(2000)}\r\n`,
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + '\x00'.repeat(20),
    'P',
  ];
  const raw = Buffer.from(rng.pick(variants), 'latin1');
  const payload = rng.chance(0.3) ? flipBytes(rng, raw) : raw;
  return {
    index, target: 'http1-raw', description: JSON.stringify(payload.toString('latin1').slice(0, 60)),
    run: (url) => new Promise<Verdict>((resolve) => {
      const u = new URL(url);
      const socket = net.connect(Number(u.port), u.hostname);
      const timer = setTimeout(() => {
        socket.destroy();
        // A half-sent request may be waited on for the body or header timeout: not answering within ours is fine,
        // as long as the server keeps serving others (the round trips check that).
        resolve(ok);
      }, 300);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(ok);
      });
      socket.on('data', (d) => {
        const head = d.toString('latin1', 0, 12);
        if (/^HTTP\/1\.1 5/.test(head) && !/^HTTP\/1\.1 50[34]/.test(head)) {
          clearTimeout(timer);
          socket.destroy();
          resolve(bad(`a 5xx for raw bytes: ${d.toString('latin1', 0, 200)}`));
        }
      });
      socket.write(payload);
    }),
  };
}

/** HTTP/2 with protocol errors: the session ends, nothing else is affected. */
function http2RawCase(rng: Rng, index: number): FuzzCase {
  return {
    index, target: 'http2-raw', description: 'h2 session with a protocol error',
    run: (url) => new Promise<Verdict>((resolve) => {
      const session = http2.connect(url);
      session.on('error', () => undefined);
      const timer = setTimeout(() => {
        session.destroy();
        resolve(ok);
      }, 300);
      session.on('close', () => {
        clearTimeout(timer);
        resolve(ok);
      });
      const how = rng.int(3);
      if (how === 0) {
        // Garbage frames after a valid preface and SETTINGS, on a socket of our own.
        session.destroy();
        const u = new URL(url);
        const socket = net.connect(Number(u.port), u.hostname);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(ok);
        });
        socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]), rng.bytes(9 + rng.int(64))]));
        setTimeout(() => socket.destroy(), 250).unref();
      } else {
        const req = session.request({ ':method': 'POST', ':path': '/', 'x-amz-target': 'Kinesis_20131202.ListStreams', 'content-type': 'application/x-amz-json-1.1' });
        req.on('error', () => undefined);
        req.on('response', () => undefined);
        if (how === 1) req.close(http2.constants.NGHTTP2_PROTOCOL_ERROR);
        else req.end(rng.bytes(rng.int(200)));
      }
    }),
  };
}

// ------------------------------------------------------------------ the plan

export interface FuzzOptions {
  readonly seed: number;
  readonly cases: number;
  /** Invoke URL prefix of a deployed KinesisProxy stage: /restapis/{id}/{stage}/_user_request_ */
  readonly stageBase: string;
}

export function* plan(o: FuzzOptions): Generator<FuzzCase> {
  const rng = new Rng(o.seed);
  for (let i = 0; i < o.cases; i++) {
    const r = rng.int(100);
    if (r < 22) yield kinesisCase(rng, i, false);
    else if (r < 44) yield kinesisCase(rng, i, true);
    else if (r < 56) yield queryCase(rng, i, 'iam');
    else if (r < 62) yield queryCase(rng, i, 'sts');
    else if (r < 80) yield managementCase(rng, i);
    else if (r < 92) yield invokeCase(rng, i, o.stageBase);
    else if (r < 97) yield http1RawCase(rng, i);
    else yield http2RawCase(rng, i);
  }
}

/** PutRecord then GetRecords of that record on a stream the cases never touch. */
export async function roundTrip(url: string): Promise<Verdict> {
  const call = async (op: string, body: object): Promise<any> => {
    const a = await send(url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${op}` }, body: JSON.stringify(body) });
    if ('error' in a) throw new Error(`${op}: ${a.error}`);
    if (a.status !== 200) throw new Error(`${op}: ${a.status} ${a.body.toString()}`);
    return JSON.parse(a.body.toString() || '{}');
  };
  try {
    const data = Buffer.from(`round trip ${Date.now()}`).toString('base64');
    const put = await call('PutRecord', { StreamName: ROUND_TRIP_STREAM, PartitionKey: 'k', Data: data });
    const it = await call('GetShardIterator', { StreamName: ROUND_TRIP_STREAM, ShardId: put.ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: put.SequenceNumber });
    const got = await call('GetRecords', { ShardIterator: it.ShardIterator, Limit: 1 });
    return got.Records?.[0]?.Data === data ? ok : bad('round trip read back something else');
  } catch (e) {
    return bad(`round trip failed: ${(e as Error).message}`);
  }
}

export interface FuzzReport {
  readonly cases: number;
  readonly failures: ReadonlyArray<{ readonly index: number; readonly target: Target; readonly description: string; readonly problem: string }>;
  readonly byTarget: Readonly<Record<string, number>>;
  readonly ms: number;
}

/** Runs every case (a few at a time), with a round trip every `checkEvery` cases and at the end. */
export async function runFuzz(url: string, o: FuzzOptions, checkEvery = 250, concurrency = 8): Promise<FuzzReport> {
  const started = performance.now();
  const failures: Array<FuzzReport['failures'][number]> = [];
  const byTarget: Record<string, number> = {};
  const cases = [...plan(o)];
  for (let i = 0; i < cases.length; i += concurrency) {
    const batch = cases.slice(i, i + concurrency);
    const verdicts = await Promise.all(batch.map((c) => c.run(url)));
    batch.forEach((c, j) => {
      byTarget[c.target] = (byTarget[c.target] ?? 0) + 1;
      const v = verdicts[j]!;
      if (!v.ok) failures.push({ index: c.index, target: c.target, description: c.description, problem: v.problem });
    });
    if (Math.floor((i + concurrency) / checkEvery) !== Math.floor(i / checkEvery)) {
      const rt = await roundTrip(url);
      if (!rt.ok) failures.push({ index: i, target: 'kinesis-json', description: 'round trip', problem: rt.problem });
    }
  }
  const last = await roundTrip(url);
  if (!last.ok) failures.push({ index: o.cases, target: 'kinesis-json', description: 'final round trip', problem: last.problem });
  return { cases: cases.length, failures, byTarget, ms: performance.now() - started };
}
