/**
 * Looks after the HTTP/2 connections, so that every one of them ends and
 * gives its file descriptor back:
 *
 * - idle: Node's session timeout (no frame either way for h2IdleTimeoutMs)
 *   closes it gracefully (GOAWAY, open streams finish);
 * - protocol errors: a session or stream error, a frame that could not be
 *   sent, or a GOAWAY with an error code destroys it. Many protocol errors
 *   (a DATA frame on stream 0, a bad HPACK block, an oversized frame) are
 *   handled inside nghttp2, which sends its GOAWAY and then ignores the
 *   connection without telling Node, so nothing of the above fires; a PING
 *   every h2PingIntervalMs finds those (and peers that vanished): a session
 *   that does not answer within another interval is destroyed;
 * - closing: Node ends the socket only once its last bytes are written and
 *   the peer closes too, which a client that does not read never lets
 *   happen; a session that has closed keeps its socket CLOSE_LINGER_MS at
 *   most (after its last stream) before the socket is destroyed.
 *
 * `session.socket` is a proxy that may not be destroyed, so the raw socket
 * each session was made from is kept here.
 */
import http2 from 'node:http2';
import type net from 'node:net';
import { CLOSE_LINGER_MS, H2_MAX_CONCURRENT_STREAMS } from './transport-limits.js';

export interface H2SessionLimits {
  readonly h2IdleTimeoutMs: number;
  /** 0 = no PINGs. */
  readonly h2PingIntervalMs: number;
}

interface Watch {
  readonly socket: net.Socket;
  openStreams: number;
  /** When a PING went out that has not been answered yet. */
  pingSentAt: number | undefined;
  lastAnsweredAt: number;
  /** Set once the session is closing and has no stream left. */
  quietSince: number | undefined;
}

/** RST_STREAM codes that mean the peer broke the protocol (not CANCEL: clients abort requests with it). */
const PROTOCOL_ERROR_CODES = /NGHTTP2_(PROTOCOL_ERROR|FLOW_CONTROL_ERROR|FRAME_SIZE_ERROR|COMPRESSION_ERROR|STREAM_CLOSED)/;

export class H2Sessions {
  private readonly watches = new Map<http2.ServerHttp2Session, Watch>();
  private adopting: net.Socket | undefined;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly server: http2.Http2Server,
    private readonly limits: H2SessionLimits,
  ) {
    // Node arms every new session's idle timer with this; with a 'timeout'
    // listener it leaves the session to us instead of destroying it.
    server.setTimeout(limits.h2IdleTimeoutMs);
    server.on('timeout', (session: http2.ServerHttp2Session) => session.close());
    server.on('session', (session) => this.watch(session));
    server.on('stream', (stream) => this.watchStream(stream));
    const every = limits.h2PingIntervalMs > 0 ? Math.min(limits.h2PingIntervalMs, CLOSE_LINGER_MS) : CLOSE_LINGER_MS;
    this.sweeper = setInterval(() => this.sweep(), Math.max(25, Math.floor(every / 4))).unref();
  }

  /** Hands a socket that sent the HTTP/2 preface to the server. */
  adopt(socket: net.Socket): void {
    // Every stream's response listens for its connection's close (write-response.ts): a few per stream.
    socket.setMaxListeners(H2_MAX_CONCURRENT_STREAMS * 4);
    this.adopting = socket;
    try {
      this.server.emit('connection', socket);
    } finally {
      this.adopting = undefined;
    }
  }

  /** The raw socket a session runs on. */
  socketOf(session: http2.Http2Session | undefined): net.Socket | undefined {
    return session ? this.watches.get(session as http2.ServerHttp2Session)?.socket : undefined;
  }

  /** Asks every session to finish (GOAWAY); open streams may complete. */
  closeAll(): void {
    for (const session of this.watches.keys()) session.close();
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  private watch(session: http2.ServerHttp2Session): void {
    // 'session' is emitted synchronously inside emit('connection'), from adopt().
    const socket = this.adopting!;
    const watch: Watch = { socket, openStreams: 0, pingSentAt: undefined, lastAnsweredAt: Date.now(), quietSince: undefined };
    this.watches.set(session, watch);
    const broken = (): void => session.destroy();
    session.on('error', broken);
    session.on('frameError', broken);
    session.on('goaway', (code: number) => {
      if (code !== http2.constants.NGHTTP2_NO_ERROR) broken();
    });
    socket.once('close', () => this.watches.delete(session));
  }

  private watchStream(stream: http2.ServerHttp2Stream): void {
    const session = stream.session as http2.ServerHttp2Session | undefined;
    const watch = session && this.watches.get(session);
    if (!watch) return;
    watch.openStreams++;
    stream.once('close', () => watch.openStreams--);
    stream.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_HTTP2_STREAM_ERROR' && PROTOCOL_ERROR_CODES.test(e.message)) session.destroy();
    });
    stream.on('frameError', () => session.destroy());
  }

  private sweep(): void {
    const now = Date.now();
    const interval = this.limits.h2PingIntervalMs;
    for (const [session, watch] of this.watches) {
      if (watch.socket.destroyed) {
        this.watches.delete(session);
      } else if (session.destroyed || session.closed) {
        // Closing: a destroyed session only has its last frames to flush, a closed one waits for its streams.
        if (!session.destroyed && watch.openStreams > 0) watch.quietSince = undefined;
        else if (watch.quietSince === undefined) watch.quietSince = now;
        else if (now - watch.quietSince >= CLOSE_LINGER_MS) watch.socket.destroy();
      } else if (interval > 0) {
        if (watch.pingSentAt !== undefined) {
          if (now - watch.pingSentAt >= interval) {
            // No answer: nghttp2 gave up on the connection, or the peer is gone or reads nothing.
            session.destroy();
            watch.socket.destroy();
          }
        } else if (now - watch.lastAnsweredAt >= interval) {
          watch.pingSentAt = now;
          session.ping((err) => {
            if (err) return;
            watch.pingSentAt = undefined;
            watch.lastAnsweredAt = Date.now();
          });
        }
      }
    }
  }
}
