/**
 * Writes a SluiceResponse to an HTTP/1.1 or HTTP/2 response with
 * backpressure: bodies go out in slices, each next slice (or event) only
 * once the previous one drained (for HTTP/2 that is the client's
 * flow-control window opening), and a client that takes nothing for
 * slowReaderTimeoutMs is dropped. What is held meanwhile is accounted in the
 * OutboundBudget.
 *
 * The buffer-pool contract: `out.onSent` is called exactly once, after the
 * body has been flushed, or after the connection has been destroyed and can
 * no longer write from the buffer (it may then be reused for another answer).
 */
import type http from 'node:http';
import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { OutboundBudget, Release } from './outbound-budget.js';
import type { SluiceResponse, StreamingBody } from './types.js';
import { WRITE_SLICE_BYTES } from './transport-limits.js';

export type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

/** Where a response goes and what to do with a client that stops reading. */
export interface ResponseTarget {
  readonly budget: OutboundBudget;
  /** The connection's socket: the per-connection ledger's key, and whose 'close' means nothing more will be written. */
  readonly connection: Socket;
  readonly slowReaderTimeoutMs: number;
  /** Drops a client that stopped reading: its connection (HTTP/1.1) or its stream (HTTP/2). */
  readonly dropSlowReader: () => void;
}

/**
 * AWS's transient "try again" answer, for answers refused while too much is
 * buffered. An HTTP/1.1 connection is closed after it, shedding a client
 * that is likely to be one of many.
 */
function serviceUnavailable(res: http.ServerResponse): void {
  const body = Buffer.from(JSON.stringify({
    __type: 'ServiceUnavailable',
    message: 'The server is holding too many unread answers; retry the request later.',
  }));
  res.statusCode = 503;
  res.setHeader('content-type', 'application/x-amz-json-1.1');
  res.setHeader('x-amzn-errortype', 'ServiceUnavailable');
  res.setHeader('retry-after', '1');
  if (!('stream' in res)) res.setHeader('connection', 'close');
  res.setHeader('content-length', body.length);
  res.end(body);
}

/**
 * Whether the response can no longer be written: its stream (HTTP/2) or its
 * connection is gone. (An HTTP/1.1 response queued behind a pipelined one has
 * no socket of its own yet, so the connection is asked too.)
 */
export function isGone(res: AnyResponse, connection: Socket): boolean {
  if (connection.destroyed) return true;
  if ('stream' in res) return res.stream.destroyed || res.stream.closed;
  return res.destroyed;
}

/** Tracks whether the response is gone; HTTP/2 compatibility responses have no `destroyed`. */
interface Liveness {
  readonly gone: boolean;
}

function liveness(res: AnyResponse, connection: Socket): Liveness {
  const state = { gone: isGone(res, connection) };
  // A response closes when it is done too; then the connection (kept alive for more) is let go of.
  const onGone = (): void => {
    state.gone = true;
    res.off('close', onGone);
    connection.off('close', onGone);
  };
  res.once('close', onGone);
  connection.once('close', onGone);
  return state;
}

export async function writeResponse(res: AnyResponse, out: SluiceResponse, target: ResponseTarget): Promise<void> {
  // Both response classes share the subset used here; http.ServerResponse's typings are the simpler ones.
  const r = res as http.ServerResponse;
  const live = liveness(res, target.connection);
  if (Buffer.isBuffer(out.body)) {
    const body = out.body;
    const release = live.gone ? undefined : body.length > 0 ? target.budget.admitAnswer(target.connection, body.length) : () => {};
    if (!release) {
      out.onSent?.();
      if (!live.gone) serviceUnavailable(r);
      return;
    }
    r.statusCode = out.status;
    for (const [k, v] of Object.entries(out.headers)) r.setHeader(k, v);
    r.setHeader('content-length', body.length);
    await writeBody(r, live, body, target, release, out.onSent);
    return;
  }
  r.statusCode = out.status;
  for (const [k, v] of Object.entries(out.headers)) r.setHeader(k, v);
  await writeStream(r, live, out.body, target);
}

/**
 * Waits for 'drain' (or, with `event` 'finish', for the end of the response);
 * false when the response closed first or the client made no progress in
 * time (it is then dropped).
 */
function progress(r: http.ServerResponse, live: Liveness, event: 'drain' | 'finish', target: ResponseTarget): Promise<boolean> {
  if (live.gone) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      r.off(event, onProgress);
      r.off('close', onClose);
      resolve(ok);
    };
    const onProgress = (): void => done(true);
    const onClose = (): void => done(false);
    const timer = setTimeout(() => {
      done(false);
      target.dropSlowReader();
    }, target.slowReaderTimeoutMs);
    r.once(event, onProgress);
    r.once('close', onClose);
  });
}

async function writeBody(
  r: http.ServerResponse,
  live: Liveness,
  body: Buffer,
  target: ResponseTarget,
  release: Release,
  onSent: (() => void) | undefined,
): Promise<void> {
  // The buffer may be reused once every write from it has completed (its
  // callback ran) or the connection is gone; the accounting ends sooner, when
  // the response finishes or closes, so a dropped client's bytes stop
  // counting at once.
  let writing = 0;
  let closed = false;
  let sent = false;
  const settle = (): void => {
    if (sent || !closed || writing > 0) return;
    sent = true;
    target.connection.off('close', onConnectionClose);
    onSent?.();
  };
  const onWritten = (): void => {
    writing--;
    settle();
  };
  const onConnectionClose = (): void => {
    // A closed socket's pending writes were cancelled, whether or not their
    // callbacks ran (an HTTP/1.1 answer queued behind a pipelined one never
    // reaches the socket and gets no 'close' of its own).
    release();
    writing = 0;
    closed = true;
    settle();
  };
  target.connection.once('close', onConnectionClose);
  r.once('close', () => {
    release();
    closed = true;
    settle();
  });
  r.once('finish', release);

  for (let offset = 0; offset < body.length && !live.gone;) {
    const end = Math.min(body.length, offset + WRITE_SLICE_BYTES);
    writing++;
    const room = r.write(body.subarray(offset, end), onWritten);
    offset = end;
    if (!room && offset < body.length && !(await progress(r, live, 'drain', target))) break;
  }
  if (live.gone) return;
  r.end();
  if (!r.writableFinished) await progress(r, live, 'finish', target);
}

async function writeStream(r: http.ServerResponse, live: Liveness, stream: StreamingBody, target: ResponseTarget): Promise<void> {
  let finished = false;
  r.once('close', () => {
    if (!finished) stream.onAbort?.();
  });
  r.flushHeaders();
  try {
    for await (const chunk of stream.chunks) {
      if (live.gone) break;
      const release = target.budget.reserveEvent(chunk.length);
      r.once('close', release);
      const room = r.write(chunk, () => {
        r.off('close', release);
        release();
      });
      if (!room && !(await progress(r, live, 'drain', target))) break;
      // The next event is produced only once there is room for it.
      if (target.budget.overCap) await target.budget.belowCap('stream' in r ? r : target.connection);
      if (live.gone) break;
    }
  } finally {
    finished = true;
    if (!live.gone) r.end();
  }
}
