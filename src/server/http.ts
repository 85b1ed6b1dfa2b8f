/**
 * One listening socket that speaks HTTP/1.1 and cleartext HTTP/2 (prior
 * knowledge). The AWS SDK for JavaScript v3 Kinesis client talks h2c to
 * http:// endpoints while the CLI and boto3 talk HTTP/1.1, so the first bytes
 * of each connection decide which server gets it.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { Handler, Headers, SluiceRequest, SluiceResponse } from './types.js';

/** Bodies past this size are refused (the largest Kinesis request is ~14 MiB of base64). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

export interface HttpServer {
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

function headersOf(req: AnyRequest): Headers {
  const out: Headers = {};
  const raw = req.headers;
  for (const key in raw) {
    if (key.charCodeAt(0) === 58 /* ':' */) continue;
    const v = raw[key];
    out[key] = Array.isArray(v) ? v.join(', ') : (v ?? '');
  }
  if (out.host === undefined) {
    const authority = raw[':authority'];
    if (typeof authority === 'string') out.host = authority;
  }
  return out;
}

class BodyTooLarge extends Error {}

function readBody(req: AnyRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

async function writeResponse(res: AnyResponse, out: SluiceResponse): Promise<void> {
  const r = res as http.ServerResponse;
  r.statusCode = out.status;
  for (const [k, v] of Object.entries(out.headers)) r.setHeader(k, v);
  if (Buffer.isBuffer(out.body)) {
    r.setHeader('content-length', out.body.length);
    // end()'s callback runs once the body has been written to the socket.
    if (out.onSent) r.end(out.body, out.onSent);
    else r.end(out.body);
    return;
  }
  const stream = out.body;
  let finished = false;
  r.on('close', () => {
    if (!finished) stream.onAbort?.();
  });
  r.flushHeaders();
  try {
    for await (const chunk of stream.chunks) {
      if (r.destroyed) break;
      r.write(chunk);
    }
  } finally {
    finished = true;
    if (!r.destroyed) r.end();
  }
}

export function createHttpServer(handler: Handler, onError: (e: unknown) => void = () => {}): HttpServer {
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const onRequest = (req: AnyRequest, res: AnyResponse): void => {
    inFlight++;
    const requestId = randomUUID();
    void (async () => {
      try {
        let body: Buffer;
        try {
          body = await readBody(req);
        } catch (e) {
          if (!(e instanceof BodyTooLarge)) throw e;
          await writeResponse(res, {
            status: 413,
            headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, connection: 'close' },
            body: Buffer.from(JSON.stringify({ __type: 'SerializationException', Message: `Request body exceeds ${MAX_BODY_BYTES} bytes` })),
          });
          return;
        }
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const rawQuery = q >= 0 ? url.slice(q + 1) : '';
        const sreq: SluiceRequest = {
          method: req.method ?? 'GET',
          path: q >= 0 ? url.slice(0, q) : url,
          rawQuery,
          query: new URLSearchParams(rawQuery),
          headers: headersOf(req),
          body,
          requestId,
          remoteAddress: req.socket?.remoteAddress ?? '127.0.0.1',
          scheme: 'http',
          stream: req,
        };
        const out = await handler(sreq);
        if (out.headers['x-amzn-requestid'] === undefined) res.setHeader('x-amzn-requestid', requestId);
        await writeResponse(res, out);
      } catch (e) {
        onError(e);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('content-type', 'application/json');
          res.setHeader('x-amzn-requestid', requestId);
          res.end(JSON.stringify({ __type: 'InternalFailure', message: 'Internal service error' }));
        } else {
          res.destroy?.();
        }
      } finally {
        inFlight--;
        if (inFlight === 0) drained?.();
      }
    })();
  };

  const h1 = http.createServer({ keepAliveTimeout: 60_000, requestTimeout: 0 }, onRequest);
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: 1000 } }, onRequest);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  h1.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });

  const sockets = new Set<net.Socket>();
  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const isH2 = first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length)));
      if (isH2) {
        // The HTTP/2 session reads the socket natively and picks up the unshifted preface itself.
        h2.emit('connection', socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    });
  });

  return {
    listen(port, host) {
      return new Promise((resolve, reject) => {
        front.once('error', reject);
        front.listen(port, host, () => {
          front.off('error', reject);
          // Errors after listening are logged; a failure to listen is the caller's to report.
          front.on('error', onError);
          resolve((front.address() as net.AddressInfo).port);
        });
      });
    },
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((r) => front.close(() => r()));
      h1.closeIdleConnections();
      for (const s of sessions) s.close();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((r) => (drained = r)),
          new Promise<void>((r) => setTimeout(r, graceMs).unref()),
        ]);
      }
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
