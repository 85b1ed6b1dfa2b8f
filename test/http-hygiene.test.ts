/**
 * The transport under hostile or careless clients, against real servers
 * with short limits: slowloris headers and bodies, idle HTTP/1.1 and HTTP/2
 * connections, HTTP/2 protocol errors (the file descriptors come back), a
 * PUT written a byte at a time, the connection cap, clients that ask for
 * large answers and never read them, and event streams nobody reads.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as K from '@aws-sdk/client-kinesis';
import { Command } from 'commander';
import { addStartOptions, configFromFlags, type StartFlags } from '../src/cli/config.js';
import { startSluice, type Sluice } from '../src/server/app.js';
import { defaultConfig, type SluiceConfig } from '../src/server/config.js';
import { createHttpServer, type HttpServer } from '../src/server/http.js';
import { defaultTransportLimits } from '../src/server/transport-limits.js';
import type { SluiceResponse } from '../src/server/types.js';
import { startTestSluice, testCredentials } from './helpers/sluice.js';

const MiB = 1024 * 1024;
const fdCount = (): number => readdirSync('/proc/self/fd').length;

/** Polls `check` every 20 ms until it holds; fails after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Probe {
  readonly socket: Socket;
  /** Everything received so far (nothing is read while `reading` is false). */
  data(): Buffer;
  /** Resolves with the ms from connect to the socket's close. */
  readonly closed: Promise<number>;
}

async function open(url: string, reading = true): Promise<Probe> {
  const { port, hostname } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.setNoDelay(true);
  socket.on('error', () => {});
  const chunks: Buffer[] = [];
  if (reading) socket.on('data', (c: Buffer) => chunks.push(c));
  else socket.pause();
  await once(socket, 'connect');
  const started = performance.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started)));
  return { socket, data: () => Buffer.concat(chunks), closed };
}

/** Writes `text` one byte every `everyMs` until it is written or the socket closes. */
async function drip(socket: Socket, text: string, everyMs: number): Promise<void> {
  for (const ch of text) {
    if (socket.destroyed || !socket.writable) return;
    socket.write(ch);
    await sleep(everyMs);
  }
}

/** The body of a complete HTTP/1.1 response with content-length, or undefined while it is incomplete. */
function responseIn(raw: Buffer): { head: string; body: Buffer } | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = raw.subarray(0, end).toString('latin1');
  const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? NaN);
  const body = raw.subarray(end + 4);
  return body.length >= length ? { head, body: body.subarray(0, length) } : undefined;
}

const kinesisRequest = (action: string, body: object, extraHeaders = ''): string => {
  const json = JSON.stringify(body);
  return `POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-amz-json-1.1\r\nx-amz-target: Kinesis_20131202.${action}\r\n` +
    `content-length: ${Buffer.byteLength(json)}\r\n${extraHeaders}\r\n${json}`;
};

describe('timeouts', () => {
  let sluice: Sluice;
  before(async () => {
    sluice = await startTestSluice({
      sniffTimeoutMs: 1000, headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000, h2IdleTimeoutMs: 1000,
    });
  });
  after(() => sluice.close());

  it('cuts off headers sent a byte every 500 ms at the headers timeout, with a 408', async () => {
    const p = await open(sluice.url);
    p.socket.write('GET /_sluice/health HTTP/1.1\r\nhost: localhost\r\n');
    void drip(p.socket, `x-slow: ${'a'.repeat(100)}\r\n\r\n`, 500);
    const ms = await p.closed;
    assert.ok(ms >= 900 && ms < 2500, `closed after ${ms} ms`);
    assert.match(p.data().toString('latin1'), /^HTTP\/1\.1 408 /);
  });

  it('cuts off a body sent a byte every 200 ms at the request timeout, with a 408', async () => {
    const p = await open(sluice.url);
    p.socket.write('POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-amz-json-1.1\r\n' +
      'x-amz-target: Kinesis_20131202.ListStreams\r\ncontent-length: 100\r\n\r\n');
    void drip(p.socket, ' '.repeat(100), 200);
    const ms = await p.closed;
    assert.ok(ms >= 1900 && ms < 3500, `closed after ${ms} ms`);
    assert.match(p.data().toString('latin1'), /^HTTP\/1\.1 408 /);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout (Node adds 1 s of grace)', async () => {
    const p = await open(sluice.url);
    p.socket.write('GET /_sluice/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await until(() => responseIn(p.data()) !== undefined, 2000, 'the health answer');
    const answered = performance.now();
    assert.match(responseIn(p.data())!.head, /^HTTP\/1\.1 200 /);
    await p.closed;
    const idle = performance.now() - answered;
    assert.ok(idle >= 900 && idle < 3500, `closed after ${idle} ms idle`);
  });

  it('closes a connection that sends nothing, or only "P", at the sniff timeout', async () => {
    const silent = await open(sluice.url);
    const p = await open(sluice.url);
    p.socket.write('P');
    for (const ms of await Promise.all([silent.closed, p.closed])) assert.ok(ms >= 900 && ms < 2500, `closed after ${ms} ms`);
  });

  it('serves HTTP/1.1 written a byte at a time, even when the first segment is just "P"', async () => {
    const post = await open(sluice.url);
    await drip(post.socket, kinesisRequest('ListStreams', {}), 1);
    await until(() => responseIn(post.data()) !== undefined, 3000, 'the ListStreams answer');
    const answer = responseIn(post.data())!;
    assert.match(answer.head, /^HTTP\/1\.1 200 /);
    assert.deepEqual(JSON.parse(answer.body.toString()).StreamNames, []);

    const put = await open(sluice.url);
    await drip(put.socket, 'PUT /_sluice/health HTTP/1.1\r\nhost: localhost\r\ncontent-length: 0\r\nconnection: close\r\n\r\n', 1);
    await put.closed;
    assert.match(put.data().toString('latin1'), /^HTTP\/1\.1 \d{3} /);
    post.socket.destroy();
  });

  it('closes an idle HTTP/2 session with GOAWAY after the idle timeout', async () => {
    const session = http2.connect(sluice.url);
    const req = session.request({ ':path': '/_sluice/health' });
    req.resume();
    await once(req, 'end');
    const answered = performance.now();
    const [code] = (await once(session, 'goaway')) as [number];
    assert.equal(code, http2.constants.NGHTTP2_NO_ERROR);
    await once(session, 'close');
    const idle = performance.now() - answered;
    assert.ok(idle >= 900 && idle < 3000, `closed after ${idle} ms idle`);
  });

  it('answers an HTTP/2 body that takes longer than the request timeout with a 408', async () => {
    const session = http2.connect(sluice.url);
    session.on('error', () => {});
    const req = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' });
    req.write('{');
    const [headers] = (await once(req, 'response')) as [http2.IncomingHttpHeaders];
    assert.equal(headers[':status'], 408);
    req.resume();
    // The stream is ended at once, without an error: stop sending.
    const answered = performance.now();
    await once(req, 'close');
    assert.ok(performance.now() - answered < 1000);
    assert.equal(req.rstCode, http2.constants.NGHTTP2_NO_ERROR);
    session.destroy();
  });
});

describe('HTTP/2 protocol errors', () => {
  let sluice: Sluice;
  before(async () => {
    sluice = await startTestSluice({ h2PingIntervalMs: 300, h2IdleTimeoutMs: 60_000 });
  });
  after(() => sluice.close());

  const frame = (type: number, flags: number, stream: number, payload: Buffer): Buffer => {
    const head = Buffer.alloc(9);
    head.writeUIntBE(payload.length, 0, 3);
    head[3] = type;
    head[4] = flags;
    head.writeUInt32BE(stream, 5);
    return Buffer.concat([head, payload]);
  };
  const headersBlock = Buffer.from([0x82, 0x86, 0x84, 0x41, 0x01, 0x78]); // GET http / host x
  const broken: Record<string, Buffer> = {
    'DATA on stream 0': frame(0, 0, 0, Buffer.from([1, 2, 3, 4])),
    'an undecodable HPACK block': frame(1, 5, 1, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])),
    'a frame larger than SETTINGS_MAX_FRAME_SIZE': frame(0, 0, 1, Buffer.alloc(20_000)),
    'a SETTINGS frame of the wrong length': frame(4, 0, 0, Buffer.from([1, 2, 3])),
    'bytes that are no frames at all': Buffer.from('this is not HTTP/2 at all, just noise..'),
    'a window overflow': frame(8, 0, 0, Buffer.from([0x7f, 0xff, 0xff, 0xff])),
    'HEADERS on an even stream id': frame(1, 5, 2, headersBlock),
    'RST_STREAM on an idle stream': frame(3, 0, 5, Buffer.from([0, 0, 0, 8])),
  };

  it('closes every such connection, and the file descriptors come back', async () => {
    const baseline = fdCount();
    const probes = await Promise.all(Object.entries(broken).flatMap(([name, bytes]) => Array.from({ length: 5 }, async () => {
      const p = await open(sluice.url);
      p.socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), frame(4, 0, 0, Buffer.alloc(0))]));
      await sleep(50);
      p.socket.write(bytes);
      return { name, p };
    })));
    // The clients never close: the server has to.
    const closedAfter = await Promise.all(probes.map(async ({ name, p }) => [name, await p.closed] as const));
    for (const [name, ms] of closedAfter) assert.ok(ms < 3000, `${name}: closed after ${ms} ms`);
    await until(() => sluice.transportStats().connections === 0, 2000, 'the server to close its side');
    await until(() => fdCount() <= baseline, 2000, `file descriptors back to ${baseline} (now ${fdCount()})`);
  });

  it('keeps healthy HTTP/2 clients, which answer the PINGs, connected and served', async () => {
    const session = http2.connect(sluice.url);
    let pings = 0;
    session.on('ping', () => pings++);
    for (let i = 0; i < 4; i++) {
      const req = session.request({ ':path': '/_sluice/health' });
      req.resume();
      await once(req, 'end');
      await sleep(300);
    }
    assert.ok(pings >= 2, `${pings} PINGs`);
    assert.ok(!session.closed && !session.destroyed);
    session.close();
  });
});

describe('connection cap', () => {
  let sluice: Sluice;
  const lines: string[] = [];
  before(async () => {
    const config: SluiceConfig = { ...defaultConfig, port: 0, dataDir: undefined, createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, maxConnections: 20 };
    sluice = await startSluice(config, { log: (line) => lines.push(line) });
  });
  after(() => sluice.close());

  it('refuses the 21st connection clearly, logs it once, and serves again once others close', async () => {
    const held = await Promise.all(Array.from({ length: 20 }, async () => {
      const p = await open(sluice.url);
      p.socket.write('GET /_sluice/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
      await until(() => responseIn(p.data()) !== undefined, 2000, 'a health answer');
      return p;
    }));
    assert.equal(sluice.transportStats().connections, 20);

    const refused = await open(sluice.url);
    refused.socket.write('GET /_sluice/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await refused.closed;
    const answer = responseIn(refused.data());
    assert.ok(answer, refused.data().toString());
    assert.match(answer.head, /^HTTP\/1\.1 503 /);
    assert.match(answer.head, /connection: close/i);
    assert.equal(JSON.parse(answer.body.toString()).__type, 'ServiceUnavailable');

    const session = http2.connect(sluice.url);
    session.on('error', () => {});
    const [code, lastStreamId] = (await once(session, 'goaway')) as [number, number];
    assert.equal(code, http2.constants.NGHTTP2_REFUSED_STREAM);
    assert.equal(lastStreamId, 0);
    session.destroy();

    const refusals = lines.filter((line) => line.includes('connection limit'));
    assert.equal(refusals.length, 1, 'two refusals, one line');
    assert.match(refusals[0]!, /connection limit reached \(20 open/);

    held[0]!.socket.destroy();
    await held[0]!.closed;
    await until(() => sluice.transportStats().connections < 20, 1000, 'the server to see the close');
    const again = await open(sluice.url);
    again.socket.write('GET /_sluice/health HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await until(() => responseIn(again.data()) !== undefined, 2000, 'the health answer');
    assert.match(responseIn(again.data())!.head, /^HTTP\/1\.1 200 /);
    for (const p of [...held, again]) p.socket.destroy();
  });
});

describe('clients that do not read', () => {
  const SLOW_READER_MS = 3000;
  const MAX_BUFFERED = 64 * MiB;
  let sluice: Sluice;
  let sdk: K.KinesisClient;
  let bigIterator: string;

  before(async () => {
    sluice = await startTestSluice({ slowReaderTimeoutMs: SLOW_READER_MS, maxBufferedBytes: MAX_BUFFERED });
    sdk = new K.KinesisClient({ endpoint: sluice.url, region: 'us-east-1', credentials: testCredentials, maxAttempts: 1 });
    for (const StreamName of ['big', 'small']) await sdk.send(new K.CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await K.waitUntilStreamExists({ client: sdk, maxWaitTime: 30 }, { StreamName: 'big' });
    // 10 MiB of records: one GetRecords answer of ~13.4 MiB of base64 JSON.
    const record = Buffer.alloc(100 * 1024, 7);
    for (let i = 0; i < 4; i++) {
      const Records = Array.from({ length: 25 }, (_, k) => ({ PartitionKey: `k${k}`, Data: record }));
      assert.equal((await sdk.send(new K.PutRecordsCommand({ StreamName: 'big', Records }))).FailedRecordCount, 0);
    }
    bigIterator = (await sdk.send(new K.GetShardIteratorCommand({ StreamName: 'big', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
  });
  after(async () => {
    sdk.destroy();
    await sluice.close();
  });

  /** A well-behaved client's calls, each timed: health over HTTP/1.1, PutRecord and GetRecords over HTTP/2. */
  function wellBehaved(): { stop(): Promise<number[]> } {
    const latencies: number[] = [];
    let running = true;
    const loop = (async () => {
      let iterator = (await sdk.send(new K.GetShardIteratorCommand({ StreamName: 'small', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }))).ShardIterator!;
      while (running) {
        const t0 = performance.now();
        const health = await fetch(`${sluice.url}/_sluice/health`);
        assert.equal(health.status, 200);
        await health.arrayBuffer();
        await sdk.send(new K.PutRecordCommand({ StreamName: 'small', PartitionKey: 'k', Data: Buffer.from('hello') }));
        const got = await sdk.send(new K.GetRecordsCommand({ ShardIterator: iterator, Limit: 10 }));
        iterator = got.NextShardIterator!;
        latencies.push(performance.now() - t0);
        await sleep(100);
      }
    })();
    return {
      async stop() {
        running = false;
        await loop;
        return latencies;
      },
    };
  }

  it('hold at most --max-buffered bytes for them, drop them when they make no progress, and keep serving others', async () => {
    const N = 32;
    const rssBefore = process.memoryUsage().rss;
    const fdsBefore = fdCount();
    let rssPeak = rssBefore;
    let bufferedPeak = 0;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      bufferedPeak = Math.max(bufferedPeak, sluice.transportStats().bufferedBytes);
    }, 25);
    const client = wellBehaved();
    const attackers = await Promise.all(Array.from({ length: N }, async () => {
      const p = await open(sluice.url, false);
      p.socket.write(kinesisRequest('GetRecords', { ShardIterator: bigIterator, Limit: 10000 }));
      return p;
    }));
    let droppedAfter: number;
    let latencies: number[];
    try {
      const attackStarted = performance.now();
      await until(() => sluice.transportStats().bufferedBytes > 0, 5000, 'the first answer to be held');
      // The server lets go of what it holds for them once they made no progress for the timeout.
      await until(() => sluice.transportStats().bufferedBytes === 0, SLOW_READER_MS + 5000, 'the non-reading clients to be dropped');
      droppedAfter = performance.now() - attackStarted;
    } finally {
      latencies = await client.stop();
      clearInterval(sampler);
    }

    // What each of them got: a 503, a smaller answer (GetRecords answers with fewer records while the
    // budget is short), or the start of an answer that was cut off when they were dropped.
    const got = { refused: 0, smaller: 0, cutOff: 0, whole: 0 };
    await Promise.all(attackers.map(async (p) => {
      const chunks: Buffer[] = [];
      p.socket.on('data', (c: Buffer) => chunks.push(c));
      p.socket.resume();
      await until(() => p.socket.readableEnded || responseIn(Buffer.concat(chunks)) !== undefined, 5000, 'an answer or a close');
      p.socket.destroy();
      const raw = Buffer.concat(chunks);
      const answer = responseIn(raw);
      if (!answer) got.cutOff++;
      else if (/^HTTP\/1\.1 503 /.test(answer.head)) got.refused++;
      else if (JSON.parse(answer.body.toString()).Records.length < 100) got.smaller++;
      else got.whole++;
    }));
    await until(() => sluice.transportStats().connections <= 3, 2000, 'the server to close its side');
    const fdsAfter = fdCount();

    const growth = (rssPeak - rssBefore) / MiB;
    console.log(`non-reading clients: ${N}: ${JSON.stringify(got)}; nothing held ${Math.round(droppedAfter)} ms after the attack; ` +
      `buffered peak ${(bufferedPeak / MiB).toFixed(1)} MiB; RSS ${(rssBefore / MiB).toFixed(0)} → peak ${(rssPeak / MiB).toFixed(0)} MiB (+${growth.toFixed(0)}); ` +
      `fds ${fdsBefore} → ${fdsAfter}; well-behaved calls: ${latencies.length}, slowest ${Math.max(...latencies).toFixed(0)} ms`);
    assert.equal(got.cutOff + got.refused + got.smaller + got.whole, N);
    assert.ok(got.cutOff >= 1, 'some were dropped mid-answer');
    assert.ok(got.whole <= MAX_BUFFERED / (13 * MiB), `${got.whole} whole 13 MiB answers`);
    assert.ok(bufferedPeak <= MAX_BUFFERED, `buffered peak ${bufferedPeak}`);
    assert.ok(growth < 64 + 192, `RSS grew ${growth.toFixed(0)} MiB`);
    assert.ok(droppedAfter < SLOW_READER_MS + 4000, `dropped after ${droppedAfter} ms`);
    assert.ok(fdsAfter <= fdsBefore + 4, `${fdsAfter} fds after (before: ${fdsBefore})`);
    assert.ok(latencies.length >= 5);
    assert.ok(Math.max(...latencies) < 1000, `slowest well-behaved call: ${Math.max(...latencies)} ms`);
  });

  it('resets an HTTP/2 stream whose large answer is not read (CANCEL), releasing what it held', async () => {
    const session = http2.connect(sluice.url);
    session.on('error', () => {});
    const req = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.GetRecords' });
    req.end(JSON.stringify({ ShardIterator: bigIterator, Limit: 10000 }));
    const [headers] = (await once(req, 'response')) as [http2.IncomingHttpHeaders];
    assert.equal(headers[':status'], 200);
    req.pause();
    await until(() => sluice.transportStats().bufferedBytes > 0, 2000, 'the answer to be held');
    const started = performance.now();
    await once(req, 'close');
    const droppedAfter = performance.now() - started;
    assert.equal(req.rstCode, http2.constants.NGHTTP2_CANCEL);
    assert.ok(droppedAfter < SLOW_READER_MS + 1000, `reset after ${droppedAfter} ms`);
    await until(() => sluice.transportStats().bufferedBytes === 0, 1000, 'the answer to be released');
    session.destroy();
  });

  it('SubscribeToShard still works over HTTP/2, and a subscriber that stops reading holds one event at most', async () => {
    const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/big`;
    const { Consumer } = await sdk.send(new K.RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'reader' }));
    const stalled = await sdk.send(new K.RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'stalled' }));
    const stalledArn = stalled.Consumer!.ConsumerARN!;
    for (const name of ['reader', 'stalled']) {
      for (;;) {
        const d = await sdk.send(new K.DescribeStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }));
        if (d.ConsumerDescription!.ConsumerStatus === 'ACTIVE') break;
        await sleep(50);
      }
    }

    // A reader through the SDK gets all 10 MiB.
    const sub = await sdk.send(new K.SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }));
    let records = 0;
    for await (const event of sub.EventStream!) {
      records += event.SubscribeToShardEvent?.Records?.length ?? 0;
      if (records >= 100) break;
    }
    assert.equal(records, 100);

    // A subscriber that reads nothing: the server writes one event, waits for room, and drops the stream after the timeout.
    const session = http2.connect(sluice.url);
    session.on('error', () => {});
    const rssBefore = process.memoryUsage().rss;
    let bufferedPeak = 0;
    const sampler = setInterval(() => (bufferedPeak = Math.max(bufferedPeak, sluice.transportStats().bufferedBytes)), 25);
    const req = session.request({
      ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
    });
    req.end(JSON.stringify({ ConsumerARN: stalledArn, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }));
    const [headers] = (await once(req, 'response')) as [http2.IncomingHttpHeaders];
    assert.equal(headers[':status'], 200);
    req.pause();
    const started = performance.now();
    await once(req, 'close');
    const droppedAfter = performance.now() - started;
    clearInterval(sampler);
    const growth = (process.memoryUsage().rss - rssBefore) / MiB;
    console.log(`stalled subscriber: stream reset (code ${req.rstCode}) after ${Math.round(droppedAfter)} ms; buffered peak ${(bufferedPeak / MiB).toFixed(2)} MiB; RSS +${growth.toFixed(0)} MiB`);
    assert.equal(req.rstCode, http2.constants.NGHTTP2_CANCEL);
    assert.ok(droppedAfter >= SLOW_READER_MS - 500 && droppedAfter < SLOW_READER_MS + 3000, `dropped after ${droppedAfter} ms`);
    assert.ok(bufferedPeak <= 3 * MiB, `buffered peak ${bufferedPeak}`);
    session.destroy();
  });
});

describe('what the transport holds (the transport alone)', () => {
  const BIG = 12 * MiB;
  let server: HttpServer;
  let url: string;
  const built: string[] = [];
  let sent = 0;
  before(async () => {
    // Answers like GetRecords': a pooled buffer handed back through onSent.
    server = createHttpServer(async (req): Promise<SluiceResponse> => {
      built.push(req.path);
      const body = req.path === '/big' ? Buffer.alloc(BIG, 'x') : Buffer.from('{}');
      return { status: 200, headers: { 'content-type': 'application/json' }, body, onSent: () => sent++ };
    }, { limits: { ...defaultTransportLimits, slowReaderTimeoutMs: 1500, maxBufferedBytes: 16 * MiB } });
    url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  after(() => server.close());

  it('calls onSent once per answer: after it is read, and after a slow reader is dropped', async () => {
    sent = 0;
    const reader = await open(url);
    reader.socket.write('GET /big HTTP/1.1\r\nhost: x\r\n\r\n');
    await until(() => responseIn(reader.data()) !== undefined, 5000, 'the whole answer');
    await until(() => sent === 1, 1000, 'onSent');
    reader.socket.destroy();

    const stalled = await open(url, false);
    stalled.socket.write('GET /big HTTP/1.1\r\nhost: x\r\n\r\n');
    await until(() => server.stats().bufferedBytes === BIG, 2000, 'the answer to be held');
    assert.equal(sent, 1, 'not while it is held');
    await until(() => server.stats().bufferedBytes === 0, 3000, 'the slow reader to be dropped');
    await until(() => sent === 2, 1000, 'onSent after the drop');
    stalled.socket.destroy();
  });

  it('refuses a large answer with a 503 while the total is held, still serves small ones, and dispatches nothing more on a stalled connection', async () => {
    sent = 0;
    built.length = 0;
    // Three requests pipelined on a connection that reads nothing: only the first is dispatched.
    const stalled = await open(url, false);
    stalled.socket.write('GET /big HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(3));
    await until(() => server.stats().bufferedBytes === BIG, 2000, 'the answer to be held');

    const refused = await open(url);
    refused.socket.write('GET /big HTTP/1.1\r\nhost: x\r\n\r\n');
    await refused.closed;
    const answer = responseIn(refused.data())!;
    assert.match(answer.head, /^HTTP\/1\.1 503 /);
    assert.match(answer.head, /x-amzn-errortype: ServiceUnavailable/i);
    assert.equal(JSON.parse(answer.body.toString()).__type, 'ServiceUnavailable');

    const small = await open(url);
    small.socket.write('GET /small HTTP/1.1\r\nhost: x\r\n\r\n');
    await until(() => responseIn(small.data()) !== undefined, 2000, 'the small answer');
    assert.match(responseIn(small.data())!.head, /^HTTP\/1\.1 200 /);
    small.socket.destroy();
    assert.deepEqual(built, ['/big', '/big', '/small'], 'the pipelined requests wait');

    await until(() => server.stats().connections === 0 && server.stats().bufferedBytes === 0, 3000, 'the drop');
    stalled.socket.destroy();
    await sleep(100);
    assert.deepEqual(built, ['/big', '/big', '/small'], 'nothing is built for a dropped connection');
    assert.equal(sent, 3, 'every answer went back to the pool once');
  });
});

describe('request bodies being received', () => {
  it('hold at most --max-buffered bytes together: past it a body is refused with a 503, not held', async () => {
    const server = createHttpServer(async (req) => ({ status: 200, headers: {}, body: Buffer.from(String(req.body.length)) }),
      { limits: { ...defaultTransportLimits, maxBufferedBytes: 4 * MiB } });
    const url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    const session = http2.connect(url);
    session.on('error', () => {});
    let receivingPeak = 0;
    const sampler = setInterval(() => (receivingPeak = Math.max(receivingPeak, server.stats().receivingBytes)), 10);
    // Three uploads of 3 MiB that stop short of their end: the first is held, the others are refused.
    const statuses = await Promise.all(Array.from({ length: 3 }, async (_, i) => {
      await sleep(i * 100);
      const req = session.request({ ':method': 'POST', ':path': '/' });
      req.on('error', () => {});
      req.write(Buffer.alloc(3 * MiB));
      const [headers] = (await Promise.race([once(req, 'response'), sleep(1500).then(() => [{ ':status': 'held' }])])) as [http2.IncomingHttpHeaders];
      return headers[':status'];
    }));
    clearInterval(sampler);
    assert.deepEqual(statuses, ['held', 503, 503]);
    assert.ok(receivingPeak <= 4 * MiB, `peak ${receivingPeak}`);
    session.destroy();
    await until(() => server.stats().receivingBytes === 0, 1000, 'the aborted upload to be dropped');
    await server.close();
  });
});

describe('configuration', () => {
  const parse = (args: string[], env: Record<string, string> = {}): StartFlags => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const cmd = addStartOptions(new Command('start')).exitOverride();
      cmd.parse(args, { from: 'user' });
      return cmd.opts<StartFlags>();
    } finally {
      process.env = saved;
    }
  };

  it('takes every transport limit from a flag or its SLUICE_* variable, defaulting to transport-limits.ts', () => {
    const c = configFromFlags(parse(
      ['--max-connections', '7', '--headers-timeout-ms', '1500', '--request-timeout-ms', '2500', '--keep-alive-timeout-ms', '3000',
        '--h2-idle-timeout-ms', '4000', '--h2-ping-interval-ms', '0', '--sniff-timeout-ms', '500', '--slow-reader-timeout-ms', '6000'],
      { SLUICE_MAX_BUFFERED_MIB: '32' },
    ), {});
    assert.deepEqual(
      [c.maxConnections, c.headersTimeoutMs, c.requestTimeoutMs, c.keepAliveTimeoutMs, c.h2IdleTimeoutMs, c.h2PingIntervalMs, c.sniffTimeoutMs, c.slowReaderTimeoutMs, c.maxBufferedBytes],
      [7, 1500, 2500, 3000, 4000, 0, 500, 6000, 32 * MiB],
    );
    const d = configFromFlags(parse([]), {});
    for (const [k, v] of Object.entries(defaultTransportLimits)) assert.equal(d[k as keyof typeof d], v, k);
  });

  it('refuses limits that make no sense', () => {
    assert.throws(() => parse(['--max-connections', '0']), /at least 1/);
    assert.throws(() => parse(['--slow-reader-timeout-ms', 'soon']), /whole number/);
    assert.throws(() => parse(['--h2-idle-timeout-ms', String(2 ** 31)]), /at most 2147483647/);
    assert.throws(() => configFromFlags(parse(['--headers-timeout-ms', '70000']), {}), /must not exceed --request-timeout-ms/);
  });
});
