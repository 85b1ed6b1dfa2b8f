/**
 * One listening socket that speaks HTTP/1.1 and cleartext HTTP/2 (prior
 * knowledge). The AWS SDK for JavaScript v3 Kinesis client talks h2c to
 * http:// endpoints while the CLI and boto3 talk HTTP/1.1, so the first bytes
 * of each connection decide which server gets it (sniff.ts).
 *
 * The limits a production server keeps (transport-limits.ts) are kept here
 * too: a cap on connections (connection-cap.ts), header, request and idle
 * timeouts, HTTP/2 sessions that always end (h2-sessions.ts), and
 * backpressure on answers with a bound on what is held for slow readers
 * (write-response.ts, outbound-budget.ts).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { ConnectionCap, refuseConnection } from './connection-cap.js';
import { H2Sessions } from './h2-sessions.js';
import { OutboundBudget, type Release } from './outbound-budget.js';
import { BodyAborted, BodyTimedOut, BodyTooLarge, readBody, ReceivingOverCap, ReceivingBudget } from './request-body.js';
import { sniffProtocol } from './sniff.js';
import {
  CLOSE_LINGER_MS,
  defaultTransportLimits,
  H2_MAX_CONCURRENT_STREAMS,
  H2_MAX_HEADER_LIST_BYTES,
  H2_MAX_INVALID_FRAMES,
  H2_MAX_REJECTED_STREAMS,
  H2_MAX_SESSION_MEMORY_MIB,
  MAX_BODY_BYTES,
  MAX_HEADER_BYTES,
  REFUSED_CONNECTIONS_HEADROOM,
  type TransportLimits,
} from './transport-limits.js';
import type { Handler, Headers, SluiceRequest } from './types.js';
import { isGone, writeResponse, type AnyResponse, type ResponseTarget } from './write-response.js';

export { MAX_BODY_BYTES } from './transport-limits.js';

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;

export interface HttpServer {
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
  /** What the transport holds right now. */
  stats(): TransportStats;
}

export interface TransportStats {
  /** Open connections counted against maxConnections. */
  readonly connections: number;
  /** Answer bytes held for clients that have not read them yet. */
  readonly bufferedBytes: number;
  /** Bytes of request bodies received so far whose requests are not complete yet. */
  readonly receivingBytes: number;
}

export interface HttpServerOptions {
  readonly limits?: TransportLimits;
  readonly onError?: (e: unknown) => void;
  /** Operational lines (refused connections). */
  readonly log?: (line: string) => void;
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

const jsonError = (status: number, requestId: string, type: string, message: string, close: boolean) => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...(close ? { connection: 'close' } : {}) },
  body: Buffer.from(JSON.stringify({ __type: type, Message: message })),
});

/**
 * Answers a request whose body is not wanted (too large, too slow) while the
 * client may still be sending it. An HTTP/2 stream is then ended without an
 * error, which asks the client to stop sending (RFC 9113, 8.1); an HTTP/1.1
 * connection is closed by `connection: close` (413) or Node's requestTimeout.
 */
function refuseBody(req: AnyRequest, res: AnyResponse, answer: ReturnType<typeof jsonError>): void {
  const r = res as http.ServerResponse;
  r.statusCode = answer.status;
  for (const [k, v] of Object.entries(answer.headers)) r.setHeader(k, v);
  r.setHeader('content-length', answer.body.length);
  r.end(answer.body, () => {
    if ('stream' in req && !req.stream.closed) req.stream.close(http2.constants.NGHTTP2_NO_ERROR);
  });
}

export function createHttpServer(handler: Handler, options: HttpServerOptions = {}): HttpServer {
  const limits = options.limits ?? defaultTransportLimits;
  const onError = options.onError ?? (() => {});
  const log = options.log ?? (() => {});
  const budget = new OutboundBudget(limits.maxBufferedBytes);
  const receiving = new ReceivingBudget(limits.maxBufferedBytes);
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const onRequest = (req: AnyRequest, res: AnyResponse): void => {
    const isH2 = 'stream' in req;
    const connection = isH2 ? h2Sessions.socketOf(req.stream.session) : req.socket;
    if (!connection) {
      res.destroy();
      return;
    }
    const target: ResponseTarget = {
      budget,
      connection,
      slowReaderTimeoutMs: limits.slowReaderTimeoutMs,
      dropSlowReader: isH2 ? () => req.stream.close(http2.constants.NGHTTP2_CANCEL) : () => connection.destroy(),
    };
    inFlight++;
    const requestId = randomUUID();
    void (async () => {
      let leave: Release | undefined;
      try {
        let body: Buffer;
        try {
          body = await readBody(req, receiving, isH2 ? limits.requestTimeoutMs : 0);
        } catch (e) {
          if (e instanceof BodyTooLarge) {
            refuseBody(req, res, jsonError(413, requestId, 'SerializationException', `Request body exceeds ${MAX_BODY_BYTES} bytes`, !isH2));
          } else if (e instanceof ReceivingOverCap) {
            refuseBody(req, res, jsonError(503, requestId, 'ServiceUnavailable', 'Too many request bodies are being received; retry later.', !isH2));
          } else if (e instanceof BodyTimedOut) {
            refuseBody(req, res, jsonError(408, requestId, 'RequestTimeout', `Request body not received within ${limits.requestTimeoutMs} ms`, false));
          } else if (!(e instanceof BodyAborted)) {
            throw e;
          }
          return;
        }
        // A connection that still holds unsent answers gets no new request dispatched until it drains,
        // and pipelined HTTP/1.1 requests are dispatched one after the other. (An HTTP/1.1 response
        // queued behind a pipelined one never closes by itself: its socket does.)
        const entered = budget.enter(connection, isH2 ? res : connection, !isH2);
        leave = entered instanceof Promise ? await entered : entered;
        if (isGone(res, connection)) return;
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
          answerRoom: budget.roomFor(connection),
        };
        const out = await handler(sreq);
        if (out.headers['x-amzn-requestid'] === undefined) res.setHeader('x-amzn-requestid', requestId);
        await writeResponse(res, out, target);
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
        leave?.();
        inFlight--;
        if (inFlight === 0) drained?.();
      }
    })();
  };

  // Node's own timers cover HTTP/1.1: headersTimeout and requestTimeout (408,
  // checked every connectionsCheckingInterval), keepAliveTimeout between requests.
  const h1 = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))),
      maxHeaderSize: MAX_HEADER_BYTES,
    },
    onRequest,
  );
  // Node starts tracking connections for headersTimeout and requestTimeout
  // when its server emits 'listening'; this one never listens itself (the
  // front hands it sockets with emit('connection')), and without the
  // tracking those timeouts never fire.
  h1.emit('listening');

  const h2 = http2.createServer(
    {
      settings: { maxConcurrentStreams: H2_MAX_CONCURRENT_STREAMS, maxHeaderListSize: H2_MAX_HEADER_LIST_BYTES },
      maxSessionMemory: H2_MAX_SESSION_MEMORY_MIB,
      maxSessionInvalidFrames: H2_MAX_INVALID_FRAMES,
      maxSessionRejectedStreams: H2_MAX_REJECTED_STREAMS,
    },
    onRequest,
  );
  const h2Sessions = new H2Sessions(h2, limits);

  const cap = new ConnectionCap(limits.maxConnections, log);
  const sockets = new Set<net.Socket>();
  const front = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const admitted = cap.admit(socket);
    // A refused connection is still told why, in its own protocol, but gets little time to show which.
    void sniffProtocol(socket, admitted ? limits.sniffTimeoutMs : Math.min(limits.sniffTimeoutMs, CLOSE_LINGER_MS)).then((protocol) => {
      if (!protocol || socket.destroyed) {
        socket.destroy();
      } else if (!admitted) {
        refuseConnection(socket, protocol);
      } else if (protocol === 'h2c') {
        // The HTTP/2 session reads the socket natively and picks up the unshifted preface itself.
        h2Sessions.adopt(socket);
      } else {
        h1.emit('connection', socket);
        socket.resume();
      }
    });
  });
  // Beyond the refusals, Node drops connections without a word.
  front.maxConnections = limits.maxConnections + REFUSED_CONNECTIONS_HEADROOM;

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
    stats() {
      return { connections: cap.sockets.size, bufferedBytes: budget.bufferedBytes, receivingBytes: receiving.heldBytes };
    },
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((r) => front.close(() => r()));
      h1.closeIdleConnections();
      h2Sessions.closeAll();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((r) => (drained = r)),
          new Promise<void>((r) => setTimeout(r, graceMs).unref()),
        ]);
      }
      for (const s of sockets) s.destroy();
      h2Sessions.stop();
      h1.close();
      await closed;
    },
  };
}
