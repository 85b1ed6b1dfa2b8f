/**
 * JSON text → template values. Java parsers keep `1.0` a Double (it prints `1.0`), while
 * JSON.parse turns it into 1. The fast path uses JSON.parse; only a text that holds a number like
 * `1.0` or `2e3` somewhere takes the slower exact parser below.
 */
import { JDouble } from './values.js';

const INTEGRAL_DOUBLE = /\d\.0+(?![0-9])|\d[eE][+-]?\d/;

export class JsonSyntaxError extends Error {}

export function parseJsonText(text: string): unknown {
  if (!INTEGRAL_DOUBLE.test(text)) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new JsonSyntaxError((e as Error).message);
    }
  }
  return new ExactJsonParser(text).parseDocument();
}

class ExactJsonParser {
  private pos = 0;
  constructor(private readonly s: string) {}

  parseDocument(): unknown {
    this.ws();
    const v = this.value();
    this.ws();
    if (this.pos < this.s.length) this.fail('Unexpected text after JSON value');
    return v;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.pos}`);
  }

  private ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.pos++;
    }
  }

  private value(): unknown {
    const c = this.s[this.pos];
    switch (c) {
      case '{': return this.object();
      case '[': return this.array();
      case '"': return this.string();
      case 't': return this.word('true', true);
      case 'f': return this.word('false', false);
      case 'n': return this.word('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(c === undefined ? 'Unexpected end of JSON input' : `Unexpected token ${c}`);
    }
  }

  private word(w: string, v: unknown): unknown {
    if (!this.s.startsWith(w, this.pos)) this.fail(`Unexpected token ${this.s[this.pos]}`);
    this.pos += w.length;
    return v;
  }

  private number(): unknown {
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const r = m.exec(this.s);
    if (!r) return this.fail('Invalid number');
    this.pos += r[0].length;
    const x = Number(r[0]);
    return (r[1] !== undefined || r[2] !== undefined) && Number.isInteger(x) ? new JDouble(x) : x;
  }

  private string(): string {
    const start = this.pos;
    const end = this.s.indexOf('"', start + 1);
    // Fast case: no escapes inside.
    if (end > 0 && this.s.lastIndexOf('\\', end) < start) {
      this.pos = end + 1;
      return this.s.slice(start + 1, end);
    }
    const re = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    re.lastIndex = start;
    const r = re.exec(this.s);
    if (!r) return this.fail('Bad string');
    this.pos += r[0].length;
    return JSON.parse(r[0]) as string;
  }

  private array(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail('Expected , or ] in array');
    }
  }

  private object(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail('Expected property name');
      const k = this.string();
      this.ws();
      if (this.s[this.pos++] !== ':') this.fail('Expected :');
      this.ws();
      const v = this.value();
      if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      else out[k] = v;
      this.ws();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail('Expected , or } in object');
    }
  }
}
