/**
 * Every limit and timeout of the transport, each with a name and a default.
 * The configurable ones are SluiceConfig fields (and `sluice start` flags);
 * the fixed ones are sizes a client never needs to change. docs/limits.md
 * lists them all with AWS's own figures where AWS documents one.
 */

/** The limits `sluice start` can be told (see src/cli/config.ts for the flags). */
export interface TransportLimits {
  /** Open connections served at once; the next ones are refused (HTTP/1.1: 503, HTTP/2: GOAWAY). */
  readonly maxConnections: number;
  /** Time a new connection has to send enough bytes to tell HTTP/1.1 from the HTTP/2 preface. */
  readonly sniffTimeoutMs: number;
  /** Time the whole header block of an HTTP/1.1 request has to arrive in. */
  readonly headersTimeoutMs: number;
  /** Time a whole request (headers and body) has to arrive in; an HTTP/2 body is timed from its HEADERS frame. */
  readonly requestTimeoutMs: number;
  /** Time an HTTP/1.1 connection may sit idle between requests. */
  readonly keepAliveTimeoutMs: number;
  /** Time an HTTP/2 connection may go without a frame either way before it is closed (GOAWAY). */
  readonly h2IdleTimeoutMs: number;
  /** How often an HTTP/2 connection is sent a PING, and how long it has to answer (0 = never). */
  readonly h2PingIntervalMs: number;
  /** Time an answer may make no progress (the client reads nothing) before the client is dropped. */
  readonly slowReaderTimeoutMs: number;
  /**
   * Bytes of answers held for clients that have not read them yet, over all
   * connections; request bodies still being received are bounded by the same
   * figure, counted apart.
   */
  readonly maxBufferedBytes: number;
}

export const DEFAULT_MAX_CONNECTIONS = 1000;
export const DEFAULT_SNIFF_TIMEOUT_MS = 10_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Application Load Balancers close connections idle for 60 s by default; clients are used to that figure. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 60_000;
export const DEFAULT_H2_IDLE_TIMEOUT_MS = 60_000;
export const DEFAULT_H2_PING_INTERVAL_MS = 10_000;
export const DEFAULT_SLOW_READER_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

export const defaultTransportLimits: TransportLimits = {
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  sniffTimeoutMs: DEFAULT_SNIFF_TIMEOUT_MS,
  headersTimeoutMs: DEFAULT_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  h2IdleTimeoutMs: DEFAULT_H2_IDLE_TIMEOUT_MS,
  h2PingIntervalMs: DEFAULT_H2_PING_INTERVAL_MS,
  slowReaderTimeoutMs: DEFAULT_SLOW_READER_TIMEOUT_MS,
  maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
};

/** Bodies past this size are refused (the largest Kinesis request is ~14 MiB of base64). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** HTTP/1.1 request line and headers (Node's own default, stated here so it is documented). */
export const MAX_HEADER_BYTES = 16 * 1024;
/** HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE: decoded headers, counting 32 bytes of overhead per field. */
export const H2_MAX_HEADER_LIST_BYTES = 32 * 1024;
/** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS per connection. */
export const H2_MAX_CONCURRENT_STREAMS = 128;
/** nghttp2's own memory per HTTP/2 connection (header tables, queued frames), in MiB; new streams are refused past it. */
export const H2_MAX_SESSION_MEMORY_MIB = 16;
/** Invalid frames and refused streams an HTTP/2 connection may cause before it is closed. */
export const H2_MAX_INVALID_FRAMES = 100;
export const H2_MAX_REJECTED_STREAMS = 100;

/** Connections past maxConnections that are still answered with a refusal; beyond them, Node drops new ones unanswered. */
export const REFUSED_CONNECTIONS_HEADROOM = 64;
/** Time a refused or closing connection gets to flush its last bytes (a 503, a GOAWAY) before it is destroyed. */
export const CLOSE_LINGER_MS = 2_000;

/** Answers at least this large are refused while the buffered total is over maxBufferedBytes. */
export const LARGE_ANSWER_BYTES = 64 * 1024;
/** A connection holding more unsent answer bytes than this gets no new request dispatched until it drains. */
export const CONNECTION_SLACK_BYTES = 1024 * 1024;
/** The most one connection may hold: one largest answer (10 MiB of records, ~14 MiB as base64 JSON) and slack. */
export const CONNECTION_MAX_BUFFERED_BYTES = 17 * 1024 * 1024;
/**
 * Answers are written in slices this large, each next one once the previous drained, so a reader
 * that stops is seen within a slice. Slices are views of the answer's buffer (nothing is copied),
 * so a slice's size costs no memory; a small one costs a wait for 'drain' per slice, which halved
 * GetRecords throughput at 256 KiB (a 10,000-record answer is ~2.5 MB). 4 MiB sends usual answers
 * in one write, and a reader still has to take 4 MiB per slowReaderTimeoutMs to stay connected.
 */
export const WRITE_SLICE_BYTES = 4 * 1024 * 1024;
