/**
 * Tells HTTP/1.1 from cleartext HTTP/2 (prior knowledge) by a connection's
 * first bytes. HTTP/2 clients open with the fixed 24-byte preface; the first
 * byte that differs from it decides HTTP/1.1, but a prefix of it decides
 * nothing yet: "P" may begin "PRI * HTTP/2.0" or "PUT / HTTP/1.1" (a client
 * writing a byte at a time sends just that), so the bytes are collected until
 * they decide, or the client runs out of time.
 */
import type net from 'node:net';

export type WireProtocol = 'http/1.1' | 'h2c';

export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** The protocol these first bytes decide, or undefined while they are still a prefix of the preface. */
export function protocolOf(head: Buffer): WireProtocol | undefined {
  const n = Math.min(head.length, H2_PREFACE.length);
  if (H2_PREFACE.compare(head, 0, n, 0, n) !== 0) return 'http/1.1';
  return n === H2_PREFACE.length ? 'h2c' : undefined;
}

/**
 * Reads from a new socket until its first bytes decide the protocol, then
 * pauses it and puts the bytes back for whichever server gets it. Undefined
 * when the client closed or did not decide within `timeoutMs`.
 */
export function sniffProtocol(socket: net.Socket, timeoutMs: number): Promise<WireProtocol | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (protocol: WireProtocol | undefined): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onGone);
      socket.off('close', onGone);
      if (protocol) {
        socket.pause();
        socket.unshift(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      }
      resolve(protocol);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      const protocol = protocolOf(chunks.length === 1 ? chunk : Buffer.concat(chunks, size));
      if (protocol) finish(protocol);
    };
    const onGone = (): void => finish(undefined);
    const timer = setTimeout(onGone, timeoutMs);
    socket.on('data', onData);
    socket.once('end', onGone);
    socket.once('close', onGone);
  });
}
