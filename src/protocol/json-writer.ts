/**
 * JSON writers compiled from the service model, one per output shape: they
 * write an action's typed result straight to JSON bytes (blobs as base64,
 * timestamps as epoch seconds, members absent from the shape dropped), with
 * no intermediate object tree. Same output as shapeOutput + JSON.stringify.
 *
 * Each shape gets generated JavaScript in two forms: one that returns the
 * shape's JSON as a string (members unrolled, scalars inline), and one that
 * streams it into a byte sink. Containers stream; each list item is built as
 * one short string and written at once. So a 10,000-record GetRecords answer
 * never exists as one huge string: every record's text dies young (cheap for
 * the garbage collector) and nothing is flattened or re-encoded at the end.
 * A list handed over as a ListView (list-view.ts) writes itself.
 */
import { blobBase64, type BlobValue } from './blob.js';
import { POOLED_MIN_BYTES, type BufferPool } from './buffer-pool.js';
import { isListView, type ListView } from './list-view.js';
import type { MemberRef, ServiceModel } from './model.js';

type ToString = (v: any) => string;
type ToSink = (v: any, sink: ByteSink) => void;

interface ShapeWriter {
  readonly str: ToString;
  readonly sink: ToSink;
}

/**
 * A growable buffer that strings are written into as UTF-8. Large ones come
 * from a pool, when given one; whoever ends up holding the bytes gives the
 * buffer back (release()) once nothing reads them any more.
 */
export class ByteSink {
  private buf: Buffer;
  /** Where the next byte goes; writers that use room() advance it themselves. */
  pos = 0;

  constructor(sizeHint: number, private readonly pool?: BufferPool) {
    this.buf = this.allocate(Math.max(1024, sizeHint));
  }

  private allocate(size: number): Buffer {
    return this.pool && size >= POOLED_MIN_BYTES ? this.pool.acquire(size) : Buffer.allocUnsafe(size);
  }

  s(text: string): void {
    this.pos += this.room(text.length * 3).write(text, this.pos);
  }

  /** The buffer, with at least `extra` bytes free from `pos` on. */
  room(extra: number): Buffer {
    const need = this.pos + extra;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const grown = this.allocate(size);
      this.buf.copy(grown, 0, 0, this.pos);
      this.pool?.release(this.buf);
      this.buf = grown;
    }
    return this.buf;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Hands the underlying buffer back to the pool: bytes() must no longer be read. */
  release(): void {
    this.pool?.release(this.buf);
  }
}

const writeBlob: ToString = (v: BlobValue) => `"${blobBase64(v)}"`;
const writeNumber: ToString = (v: number) => (Number.isFinite(v) ? String(v) : 'null');
// Records written together share their arrival time: remember the last conversion.
let lastMs = NaN;
let lastText = '';
const writeTimestamp: ToString = (v: Date | number) => {
  const ms = v instanceof Date ? v.getTime() : v;
  if (ms !== lastMs) {
    lastMs = ms;
    lastText = String(ms / 1000);
  }
  return lastText;
};

function listViewText(v: ListView): string {
  const sink = new ByteSink(1024);
  v.writeJson(sink);
  return sink.bytes().toString('utf8');
}

const MAX_HINT = 256 * 1024;

/** Helpers generated code may call, passed in by name. */
const RUNTIME = { writeBlob, writeNumber, writeTimestamp, isListView, listViewText };

const cache = new WeakMap<ServiceModel, Map<string, ShapeWriter>>();
const byteWriters = new WeakMap<ServiceModel, Map<string, (v: unknown, pool?: BufferPool) => ByteSink>>();

/**
 * Writes a value of `shapeName` as JSON bytes. With a pool, large answers are
 * written into pooled buffers: the caller calls sink.release() when done.
 */
export function jsonWriter(model: ServiceModel, shapeName: string): (v: unknown, pool?: BufferPool) => ByteSink {
  let known = byteWriters.get(model);
  if (!known) byteWriters.set(model, (known = new Map()));
  let write = known.get(shapeName);
  if (!write) {
    let writers = cache.get(model);
    if (!writers) cache.set(model, (writers = new Map()));
    const w = writerFor(model, writers, shapeName);
    // Start each answer at the size of the last one of its shape, so the sink rarely grows.
    let hint = 1024;
    write = (v, pool) => {
      const sink = new ByteSink(hint, pool);
      w.sink(v, sink);
      // With slack, as writers reserve room ahead of what they write; capped, so one huge
      // answer does not make every answer after it start huge (big lists size themselves).
      hint = Math.min(MAX_HINT, sink.pos + (sink.pos >> 3) + 1024);
      return sink;
    };
    known.set(shapeName, write);
  }
  return write;
}

/** The same, as a string (for callers that embed JSON in something else). */
export function jsonText(model: ServiceModel, shapeName: string, v: unknown): string {
  let writers = cache.get(model);
  if (!writers) cache.set(model, (writers = new Map()));
  return writerFor(model, writers, shapeName).str(v);
}

function writerFor(model: ServiceModel, writers: Map<string, ShapeWriter>, name: string): ShapeWriter {
  const known = writers.get(name);
  if (known) return known;
  // Registered before it is built, so recursive shapes resolve to it.
  let built: ShapeWriter | undefined;
  writers.set(name, { str: (v) => built!.str(v), sink: (v, s) => built!.sink(v, s) });
  built = build(model, writers, name);
  writers.set(name, built);
  return built;
}

const isContainer = (model: ServiceModel, ref: MemberRef): boolean => {
  const t = model.shapes[ref.shape]!.type;
  return t === 'structure' || t === 'list' || t === 'map';
};

/**
 * An expression giving the JSON text of the value held in `expr` for shape
 * `ref`, with any nested writer it needs appended to `deps` (as d0, d1, ...).
 */
function inline(model: ServiceModel, writers: Map<string, ShapeWriter>, ref: MemberRef, expr: string, deps: unknown[]): string {
  const shape = model.shapes[ref.shape]!;
  switch (shape.type) {
    case 'string':
      return `JSON.stringify(${expr})`;
    case 'boolean':
      return `(${expr} ? 'true' : 'false')`;
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return `rt.writeNumber(${expr})`;
    case 'blob':
      return `rt.writeBlob(${expr})`;
    case 'timestamp':
      return `rt.writeTimestamp(${expr})`;
    default:
      deps.push(writerFor(model, writers, ref.shape).str);
      return `d${deps.length - 1}(${expr})`;
  }
}

/** A statement streaming the container member in `expr` into `sink`. */
function streamed(model: ServiceModel, writers: Map<string, ShapeWriter>, ref: MemberRef, expr: string, deps: unknown[]): string {
  deps.push(writerFor(model, writers, ref.shape).sink);
  return `d${deps.length - 1}(${expr}, sink);`;
}

function compile<F>(params: string, body: string, deps: unknown[]): F {
  // The model is vendored and trusted; member names are embedded only as JSON string literals.
  const names = deps.map((_, i) => `d${i}`);
  return (new Function('rt', ...names, `return function write(${params}) { ${body} };`) as (...a: unknown[]) => F)(RUNTIME, ...deps);
}

function build(model: ServiceModel, writers: Map<string, ShapeWriter>, name: string): ShapeWriter {
  const shape = model.shapes[name]!;
  const strDeps: unknown[] = [];
  const sinkDeps: unknown[] = [];
  switch (shape.type) {
    case 'list': {
      const item = inline(model, writers, shape.member, 'v[i]', strDeps);
      const sinkItem = inline(model, writers, shape.member, 'v[i]', sinkDeps);
      return {
        str: compile<ToString>('v', `if (rt.isListView(v)) return rt.listViewText(v); let out = '['; for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + ${item}; return out + ']';`, strDeps),
        // One write per item: each item's text is built, written, and dropped.
        sink: compile<ToSink>('v, sink', `if (rt.isListView(v)) { v.writeJson(sink); return; } sink.s('['); for (let i = 0; i < v.length; i++) sink.s((i === 0 ? '' : ',') + ${sinkItem}); sink.s(']');`, sinkDeps),
      };
    }
    case 'map': {
      const value = inline(model, writers, shape.value, 'x', strDeps);
      const str = compile<ToString>('v', `let out = '{'; let sep = ''; for (const k in v) { const x = v[k]; if (x === undefined || x === null) continue;
        out += sep + JSON.stringify(k) + ':' + ${value}; sep = ','; } return out + '}';`, strDeps);
      return { str, sink: (v, sink) => sink.s(str(v)) };
    }
    case 'structure': {
      const members = Object.entries(shape.members);
      const strBody = members.map(([m, ref], i) => {
        const key = JSON.stringify(`${JSON.stringify(m)}:`);
        return `const x${i} = v[${JSON.stringify(m)}]; if (x${i} !== undefined && x${i} !== null) { out += sep + ${key} + ${inline(model, writers, ref, `x${i}`, strDeps)}; sep = ','; }`;
      });
      const str = compile<ToString>('v', `let out = '{'; let sep = ''; ${strBody.join('\n')} return out + '}';`, strDeps);
      if (!members.some(([, ref]) => isContainer(model, ref))) return { str, sink: (v, sink) => sink.s(str(v)) };
      // Structures holding containers stream them, scalars go with their key.
      const sinkBody = members.map(([m, ref], i) => {
        const key = JSON.stringify(`${JSON.stringify(m)}:`);
        const write = isContainer(model, ref)
          ? `sink.s(sep + ${key}); ${streamed(model, writers, ref, `x${i}`, sinkDeps)}`
          : `sink.s(sep + ${key} + ${inline(model, writers, ref, `x${i}`, sinkDeps)});`;
        return `const x${i} = v[${JSON.stringify(m)}]; if (x${i} !== undefined && x${i} !== null) { ${write} sep = ','; }`;
      });
      return { str, sink: compile<ToSink>('v, sink', `let sep = ''; sink.s('{'); ${sinkBody.join('\n')} sink.s('}');`, sinkDeps) };
    }
    default: {
      const str = compile<ToString>('v', `return ${inline(model, writers, { shape: name }, 'v', strDeps)};`, strDeps);
      return { str, sink: (v, sink) => sink.s(str(v)) };
    }
  }
}
