/**
 * The contract between the transport (HTTP/1.1, h2c, or an in-process call)
 * and the services. A service never sees Node's request objects, so the API
 * Gateway can call Kinesis in-process through exactly the path a network
 * request takes.
 */

/** Header names are lower-cased; repeated headers are joined with ", ". */
export type Headers = Record<string, string>;

export interface SluiceRequest {
  readonly method: string;
  /** Path without the query string, still percent-encoded as received. */
  readonly path: string;
  /** Raw query string without the leading "?" ("" when absent). */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
  readonly headers: Headers;
  readonly body: Buffer;
  /** Id assigned on arrival; echoed as x-amzn-RequestId. */
  readonly requestId: string;
  readonly remoteAddress: string;
  /** "http" on this server; recorded for aws:SecureTransport. */
  readonly scheme: 'http' | 'https';
  /** Raw request for services that stream (SubscribeToShard); absent in-process. */
  readonly stream?: unknown;
  /**
   * Answer bytes the transport can still hold for this client before it has
   * to refuse (its bound on what slow readers pin, docs/limits.md). A service
   * that may answer with less, as GetRecords may, stays under it rather than
   * building an answer that is refused. Absent in-process.
   */
  readonly answerRoom?: number;
}

/** A body that is written as it is produced (event streams). */
export interface StreamingBody {
  readonly kind: 'stream';
  /** Yields chunks; the response ends when the iterator finishes. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Called when the client goes away before the iterator finishes. */
  readonly onAbort?: () => void;
}

export interface SluiceResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer | StreamingBody;
  /**
   * Called by a transport once the body has been written out; the body's
   * memory may be reused after that. Callers that keep the body (in-process
   * calls) never call it.
   */
  readonly onSent?: () => void;
}

export type Handler = (req: SluiceRequest) => Promise<SluiceResponse>;

/** A service plugged into the dispatcher. */
export interface Service {
  readonly name: string;
  /** Whether this service owns the request; the first match wins. */
  matches(req: SluiceRequest): boolean;
  handle: Handler;
}
