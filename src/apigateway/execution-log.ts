/**
 * Per-request execution logs in the format of API Gateway's TestInvokeMethod
 * (and CloudWatch execution logs): "<Java Date> : <message>" lines. The last
 * N are kept in memory for TestInvokeMethod, the console and debug logging.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Java's Date.toString() in UTC: "Thu Aug 31 01:07:25 UTC 2017". */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** Header and map dumps are cut here, as AWS does, with " [TRUNCATED]". */
const MAX_VALUE_CHARS = 1000;

export function truncate(s: string, max = MAX_VALUE_CHARS): string {
  return s.length > max ? `${s.slice(0, max)} [TRUNCATED]` : s;
}

/** Java map rendering: {k=v, k2=v2}. */
export function javaMap(map: Record<string, string | readonly string[]>): string {
  const parts: string[] = [];
  for (const k in map) {
    const v = map[k]!;
    parts.push(`${k}=${typeof v === 'string' ? v : v.join(',')}`);
  }
  return truncate(`{${parts.join(', ')}}`);
}

export class ExecutionLog {
  private readonly lines: string[] = [];
  private readonly errors: string[] = [];
  private stamp = '';
  private stampSecond = -1;

  constructor(readonly requestId: string) {}

  add(message: string): void {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stamp = javaDate(now);
    }
    this.lines.push(`${this.stamp} : ${message}`);
  }

  /** A line saying why the request failed: an error-level entry, the kind a method logging at ERROR writes. */
  addError(message: string): void {
    this.add(message);
    this.errors.push(this.lines.at(-1)!);
  }

  errorLines(): string[] {
    return [...this.errors];
  }

  toString(): string {
    return `Execution log for request ${this.requestId}\n${this.lines.join('\n')}\n`;
  }
}

export interface LoggedExecution {
  readonly requestId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly httpMethod: string;
  readonly resourcePath: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly time: number;
  readonly log: string;
}

/** A ring of the last `capacity` executions. */
export class ExecutionLogStore {
  private readonly ring: Array<LoggedExecution | undefined>;
  private next = 0;

  constructor(readonly capacity = 200) {
    this.ring = new Array<LoggedExecution | undefined>(capacity);
  }

  record(entry: LoggedExecution): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  recent(filter?: { apiId?: string; limit?: number }): LoggedExecution[] {
    const out: LoggedExecution[] = [];
    const limit = filter?.limit ?? this.capacity;
    for (let i = 1; i <= this.capacity && out.length < limit; i++) {
      const e = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (!e) break;
      if (filter?.apiId && e.apiId !== filter.apiId) continue;
      out.push(e);
    }
    return out;
  }

  get(requestId: string): LoggedExecution | undefined {
    return this.ring.find((e) => e?.requestId === requestId);
  }
}

/**
 * The messages that carry request or response data (parameter values,
 * headers, bodies). A stage's method settings write them only with
 * `dataTrace` on: AWS's "Log full requests/responses data".
 */
const DATA_MESSAGES = [
  'Method request path: ',
  'Method request query string: ',
  'Method request headers: ',
  'Method request body before transformations: ',
  'Endpoint request headers: ',
  'Endpoint request body after transformations: ',
  'Endpoint response headers: ',
  'Endpoint response body before transformations: ',
  'Method response body after transformations: ',
  'Method response headers: ',
];

/** The "<date> : <message>" lines of a finished log (ExecutionLog.toString()), without the data lines unless `dataTrace`. */
export function executionLogLines(text: string, dataTrace: boolean): string[] {
  const lines = text.split('\n').slice(1).filter((l) => l !== '');
  if (dataTrace) return lines;
  return lines.filter((l) => {
    const at = l.indexOf(' : ');
    const message = at >= 0 ? l.slice(at + 3) : l;
    return !DATA_MESSAGES.some((prefix) => message.startsWith(prefix));
  });
}
