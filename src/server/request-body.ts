/**
 * Reading a request's body, bounded in size (MAX_BODY_BYTES), in time (for
 * HTTP/2; an HTTP/1.1 request is timed by Node's requestTimeout), and in
 * what all bodies being received may hold together: without that last bound,
 * a thousand connections (or 128 HTTP/2 streams on one) each sending most of
 * 16 MiB and never finishing would pin gigabytes.
 */
import type http from 'node:http';
import type http2 from 'node:http2';
import { MAX_BODY_BYTES } from './transport-limits.js';

export class BodyTooLarge extends Error {}
export class BodyTimedOut extends Error {}
/** Bodies being received already hold the most they may: this one is refused (503) rather than held. */
export class ReceivingOverCap extends Error {}
/** The client or its connection went away mid-body (or Node's requestTimeout cut it off): nothing to answer. */
export class BodyAborted extends Error {}

/** Bytes of request bodies received whose requests are not complete yet, over all requests. */
export class ReceivingBudget {
  private held = 0;

  constructor(readonly maxBytes: number) {}

  get heldBytes(): number {
    return this.held;
  }

  take(bytes: number): boolean {
    if (this.held + bytes > this.maxBytes) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held -= bytes;
  }
}

/**
 * The whole body. Once it is complete it is the service's and no longer
 * counted; a body that fails is dropped, and whatever else the client sends
 * is read and discarded so the answer can still go out.
 */
export function readBody(req: http.IncomingMessage | http2.Http2ServerRequest, budget: ReceivingBudget, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      budget.give(size);
      return true;
    };
    const fail = (e: Error): void => {
      if (!settle()) return;
      chunks.length = 0;
      reject(e);
      req.removeAllListeners('data');
      req.resume();
    };
    const timer = timeoutMs > 0 ? setTimeout(() => fail(new BodyTimedOut()), timeoutMs) : undefined;
    req.on('data', (c: Buffer) => {
      if (size + c.length > MAX_BODY_BYTES) return fail(new BodyTooLarge());
      if (!budget.take(c.length)) return fail(new ReceivingOverCap());
      size += c.length;
      chunks.push(c);
    });
    req.on('end', () => {
      if (settle()) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    // An HTTP/2 request whose stream is reset before its end emits 'aborted' and 'close', not always 'error'.
    const aborted = (): void => {
      if (settle()) reject(new BodyAborted());
    };
    req.on('error', aborted);
    req.once('aborted', aborted);
    req.once('close', aborted);
  });
}
