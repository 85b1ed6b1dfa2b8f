/**
 * Accounting of answer bytes the server holds for clients that have not
 * read them yet, per connection and in total. An answer is held from the
 * moment it is written until its client has taken it (or is gone); a client
 * that asks for a 10 MiB GetRecords answer and never reads pins those 10 MiB,
 * so what may be held is bounded here:
 *
 * - per connection, a new request waits before it is dispatched while the
 *   connection holds more than CONNECTION_SLACK_BYTES (HTTP/1.1 pipelining,
 *   HTTP/2 streams), and an answer that would take the connection past
 *   CONNECTION_MAX_BUFFERED_BYTES is refused;
 * - in total, once maxBufferedBytes are held, large answers are refused, and
 *   so are small ones on connections that already hold something (a client
 *   that reads what it asked for holds nothing when it asks again), and event
 *   streams wait before producing their next event.
 *
 * Nothing here times out: a connection that holds bytes and makes no progress
 * is dropped by the writer (slowReaderTimeoutMs), which releases what it held.
 */
import { CONNECTION_MAX_BUFFERED_BYTES, CONNECTION_SLACK_BYTES, LARGE_ANSWER_BYTES } from './transport-limits.js';

/** Returns the reserved bytes; calling it again does nothing. */
export type Release = () => void;

/** What a wait can be abandoned on: a request, a response or a socket ('close'). */
export interface Closable {
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

interface Ledger {
  held: number;
  /** Requests let in and not over yet. */
  inside: number;
  /** Requests waiting to be let in, first come first served, and whether each wants to be alone. */
  readonly waiters: Map<() => void, boolean>;
}

export class OutboundBudget {
  private total = 0;
  private readonly ledgers = new WeakMap<object, Ledger>();
  /** Event streams waiting for the total to drop below the cap. */
  private readonly totalWaiters = new Set<() => void>();

  constructor(readonly maxBytes: number) {}

  /** Bytes held over all connections. */
  get bufferedBytes(): number {
    return this.total;
  }

  /** Bytes held for one connection. */
  heldBy(connection: object): number {
    return this.ledgers.get(connection)?.held ?? 0;
  }

  /** Bytes an answer on `connection` may take now without being refused. */
  roomFor(connection: object): number {
    const held = this.heldBy(connection);
    return Math.max(0, Math.min(this.maxBytes - this.total, held > 0 ? CONNECTION_MAX_BUFFERED_BYTES - held : Infinity));
  }

  get overCap(): boolean {
    return this.total >= this.maxBytes;
  }

  /**
   * Waits until `connection` holds no more than CONNECTION_SLACK_BYTES (or
   * `gone` fires: the request or its connection went away), then lets the
   * request in. Call the returned function when the request is over; while
   * the connection is congested, waiting requests are let in one at a time,
   * each when the one before it is over or an answer drains. `oneAtATime`
   * (HTTP/1.1, whose answers go out in order anyway) also keeps a request
   * out while another one on the connection is in: pipelined requests would
   * otherwise all build their answers before the first is held.
   */
  enter(connection: object, gone: Closable, oneAtATime: boolean): Release | Promise<Release> {
    const ledger = this.ledgerOf(connection);
    // The usual case, an uncongested connection, is let in without a turn of the event loop.
    if (ledger.held <= CONNECTION_SLACK_BYTES && ledger.waiters.size === 0 && !(oneAtATime && ledger.inside > 0)) return this.letIn(ledger);
    return new Promise((resolve) => {
      const wake = (): void => {
        ledger.waiters.delete(wake);
        gone.off('close', wake);
        resolve(this.letIn(ledger));
      };
      ledger.waiters.set(wake, oneAtATime);
      gone.once('close', wake);
    });
  }

  private letIn(ledger: Ledger): Release {
    ledger.inside++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      ledger.inside--;
      this.letNextIn(ledger);
    };
  }

  /**
   * Reserves an answer of `bytes` on `connection`, or returns undefined when
   * it must be refused (see the rules above).
   */
  admitAnswer(connection: object, bytes: number): Release | undefined {
    const ledger = this.ledgerOf(connection);
    if (ledger.held > 0 && ledger.held + bytes > CONNECTION_MAX_BUFFERED_BYTES) return undefined;
    if (this.total + bytes > this.maxBytes && (bytes >= LARGE_ANSWER_BYTES || ledger.held > 0)) return undefined;
    return this.reserve(ledger, bytes);
  }

  /** Reserves one event of an event stream: counted in the total, never refused (a stream holds one event at a time). */
  reserveEvent(bytes: number): Release {
    return this.reserve(undefined, bytes);
  }

  /** Resolves once the total is below the cap, or when `gone` fires. */
  belowCap(gone: Closable): Promise<void> {
    if (!this.overCap) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.totalWaiters.delete(wake);
        gone.off('close', wake);
        resolve();
      };
      this.totalWaiters.add(wake);
      gone.once('close', wake);
    });
  }

  private ledgerOf(connection: object): Ledger {
    let ledger = this.ledgers.get(connection);
    if (!ledger) this.ledgers.set(connection, (ledger = { held: 0, inside: 0, waiters: new Map() }));
    return ledger;
  }

  private reserve(ledger: Ledger | undefined, bytes: number): Release {
    this.total += bytes;
    if (ledger) ledger.held += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= bytes;
      if (ledger) {
        ledger.held -= bytes;
        this.letNextIn(ledger);
      }
      if (!this.overCap) for (const wake of [...this.totalWaiters]) wake();
    };
  }

  private letNextIn(ledger: Ledger): void {
    if (ledger.held > CONNECTION_SLACK_BYTES) return;
    const [first] = ledger.waiters;
    if (first && !(first[1] && ledger.inside > 0)) first[0]();
  }
}
