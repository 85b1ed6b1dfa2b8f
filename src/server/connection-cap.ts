/**
 * The cap on open connections. Past it a connection is still answered, so
 * the client knows it was refused rather than lost (HTTP/1.1: a 503 in AWS's
 * JSON error shape; HTTP/2: SETTINGS and GOAWAY with no stream processed,
 * which clients may retry), and then closed. Refused connections are few at a
 * time: the listening server drops connections unanswered beyond
 * REFUSED_CONNECTIONS_HEADROOM of them.
 */
import type net from 'node:net';
import type { WireProtocol } from './sniff.js';
import { CLOSE_LINGER_MS } from './transport-limits.js';

/** Refusals are logged at most this often, with how many there were since the last line. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

export class ConnectionCap {
  private readonly open = new Set<net.Socket>();
  private refusedSinceLog = 0;
  private lastLogAt = -Infinity;

  constructor(
    readonly max: number,
    private readonly log: (line: string) => void,
  ) {}

  /** The connections counted in (not the refused ones). */
  get sockets(): ReadonlySet<net.Socket> {
    return this.open;
  }

  /** Counts the connection in while it is open; false when the cap is reached and it must be refused. */
  admit(socket: net.Socket): boolean {
    if (this.open.size >= this.max) {
      this.noteRefusal();
      return false;
    }
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return true;
  }

  private noteRefusal(): void {
    this.refusedSinceLog++;
    const now = Date.now();
    if (now - this.lastLogAt < REFUSAL_LOG_INTERVAL_MS) return;
    this.log(`connection limit reached (${this.max} open, --max-connections): refused ${this.refusedSinceLog} connection(s) since the last report`);
    this.refusedSinceLog = 0;
    this.lastLogAt = now;
  }
}

const HTTP1_REFUSAL = (() => {
  const body = JSON.stringify({ __type: 'ServiceUnavailable', message: 'Too many open connections; retry later.' });
  return Buffer.from(
    'HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-errortype: ServiceUnavailable\r\n' +
      `retry-after: 1\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    'latin1',
  );
})();

/** An empty SETTINGS frame (the server's preface) and GOAWAY(last stream 0, REFUSED_STREAM). */
const H2_REFUSAL = (() => {
  const debug = Buffer.from('too many open connections');
  const goaway = Buffer.alloc(9 + 8 + debug.length);
  goaway.writeUIntBE(8 + debug.length, 0, 3);
  goaway[3] = 0x7; // GOAWAY
  goaway.writeUInt32BE(0, 9); // last stream id: none was processed
  goaway.writeUInt32BE(0x7, 13); // REFUSED_STREAM
  debug.copy(goaway, 17);
  return Buffer.concat([Buffer.from([0, 0, 0, 0x4, 0, 0, 0, 0, 0]), goaway]);
})();

/** Answers a refused connection in its protocol and closes it, destroying it if the client does not let go. */
export function refuseConnection(socket: net.Socket, protocol: WireProtocol): void {
  // Whatever the client sends meanwhile is read and discarded, so closing does not turn into a reset that loses the answer.
  socket.on('data', () => {});
  socket.resume();
  socket.end(protocol === 'h2c' ? H2_REFUSAL : HTTP1_REFUSAL);
  setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
}
