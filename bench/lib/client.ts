/**
 * The one Kinesis client every server gets: an undici Pool with keep-alive
 * over HTTP/1.1, raw prebuilt JSON 1.1 bodies, and no signing or SDK layers,
 * so the client costs the same (and little) against each server.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { sleep } from './stats.js';

/**
 * Headers of every call. kinesalite refuses requests without a SigV4-shaped
 * Authorization header (it does not check the signature); the others ignore it.
 */
export const KINESIS_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-date': '20240101T000000Z',
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK/20240101/us-east-1/kinesis/aws4_request, ' +
    'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' + '0'.repeat(64),
};

const TARGET = 'Kinesis_20131202.';

export class KinesisError extends Error {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly type: string,
    body: string,
  ) {
    super(`${action} answered ${status} ${type}: ${body.slice(0, 200)}`);
  }
}

export interface RawResponse {
  readonly status: number;
  readonly text: string;
}

export class KinesisClient {
  private readonly pool: Pool;
  private readonly headers = new Map<string, Record<string, string>>();

  /** `connections` = the most requests that can be in flight at once (no pipelining). */
  constructor(readonly url: string, connections = 1) {
    this.pool = new Pool(url, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
  }

  private headersFor(action: string): Record<string, string> {
    let h = this.headers.get(action);
    if (!h) {
      h = { ...KINESIS_HEADERS, 'x-amz-target': TARGET + action };
      this.headers.set(action, h);
    }
    return h;
  }

  /** One POST with a prebuilt body; the response text whatever the status. */
  async send(action: string, body: string | Buffer): Promise<RawResponse> {
    const res = await this.pool.request({ origin: this.url, path: '/', method: 'POST', headers: this.headersFor(action), body });
    return { status: res.statusCode, text: await res.body.text() };
  }

  /** A call whose answer must be 200; the parsed JSON. */
  async call<T = Record<string, unknown>>(action: string, input: unknown): Promise<T> {
    const { status, text } = await this.send(action, JSON.stringify(input));
    if (status !== 200) throw new KinesisError(action, status, errorType(text), text);
    return (text === '' ? {} : JSON.parse(text)) as T;
  }

  /** Creates a provisioned stream and waits until DescribeStreamSummary says ACTIVE. */
  async createStream(name: string, shards: number, timeoutMs = 30_000): Promise<void> {
    await this.call('CreateStream', { StreamName: name, ShardCount: shards });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await this.call<{ StreamDescriptionSummary: { StreamStatus: string } }>('DescribeStreamSummary', { StreamName: name });
      if (d.StreamDescriptionSummary.StreamStatus === 'ACTIVE') return;
      if (Date.now() > deadline) throw new Error(`stream ${name} not ACTIVE after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  async shardIds(stream: string): Promise<string[]> {
    const d = await this.call<{ StreamDescription: { Shards: Array<{ ShardId: string }> } }>('DescribeStream', { StreamName: stream });
    return d.StreamDescription.Shards.map((s) => s.ShardId);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

export function errorType(text: string): string {
  try {
    const t = (JSON.parse(text) as { __type?: string }).__type ?? 'unknown';
    return t.slice(t.lastIndexOf('#') + 1);
  } catch {
    return text.slice(0, 60) || 'empty body';
  }
}

/** Prebuilt request bodies: random 100-byte payloads with varied partition keys, built once and reused. */
export class Bodies {
  private readonly payloads: string[];

  constructor(readonly stream: string, readonly recordBytes: number, variants = 64) {
    this.payloads = Array.from({ length: variants * 8 }, () => randomBytes(recordBytes).toString('base64'));
  }

  /** `variants` PutRecord bodies, each with its own key and data. */
  putRecord(variants = 64): Buffer[] {
    return Array.from({ length: variants }, (_, i) =>
      Buffer.from(JSON.stringify({ StreamName: this.stream, PartitionKey: `pk-${i}`, Data: this.payloads[i % this.payloads.length] })),
    );
  }

  /** `variants` PutRecords bodies of `count` records each. */
  putRecords(count: number, variants = 8): Buffer[] {
    return Array.from({ length: variants }, (_, v) =>
      Buffer.from(
        JSON.stringify({
          StreamName: this.stream,
          Records: Array.from({ length: count }, (_, i) => ({
            PartitionKey: `pk-${v}-${i}`,
            Data: this.payloads[(v * count + i) % this.payloads.length],
          })),
        }),
      ),
    );
  }
}

/** Throws unless a PutRecords answer is 200 with every record accepted. */
export function checkPutRecords(r: RawResponse): void {
  if (r.status !== 200) throw new KinesisError('PutRecords', r.status, errorType(r.text), r.text);
  // Fast path; fall back to parsing when the server spaces its JSON differently.
  if (r.text.includes('"FailedRecordCount":0')) return;
  const failed = (JSON.parse(r.text) as { FailedRecordCount?: number }).FailedRecordCount ?? 0;
  if (failed > 0) throw new Error(`PutRecords: ${failed} records failed: ${r.text.slice(0, 200)}`);
}

export function checkOk(action: string, r: RawResponse): void {
  if (r.status !== 200) throw new KinesisError(action, r.status, errorType(r.text), r.text);
}
