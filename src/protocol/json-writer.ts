/**
 * JSON writers compiled from the service model, one per output shape: they
 * write an action's typed result straight to JSON text (blobs as base64,
 * timestamps as epoch seconds, members absent from the shape dropped), with
 * no intermediate object tree. Same output as shapeOutput + JSON.stringify.
 *
 * Each structure becomes generated JavaScript with its members unrolled and
 * scalar members written inline: GetRecords writes 10,000 records per call,
 * and a closure call per member would double its cost.
 */
import { blobBase64, type BlobValue } from './blob.js';
import type { MemberRef, ServiceModel } from './model.js';

type Writer = (v: any) => string;

const writeBlob: Writer = (v: BlobValue) => `"${blobBase64(v)}"`;
const writeNumber: Writer = (v: number) => (Number.isFinite(v) ? String(v) : 'null');
// Records written together share their arrival time: remember the last conversion.
let lastMs = NaN;
let lastText = '';
const writeTimestamp: Writer = (v: Date | number) => {
  const ms = v instanceof Date ? v.getTime() : v;
  if (ms !== lastMs) {
    lastMs = ms;
    lastText = String(ms / 1000);
  }
  return lastText;
};

/** Helpers generated code may call, passed in by name. */
const RUNTIME = { writeBlob, writeNumber, writeTimestamp };

const cache = new WeakMap<ServiceModel, Map<string, Writer>>();

export function jsonWriter(model: ServiceModel, shapeName: string): Writer {
  let writers = cache.get(model);
  if (!writers) cache.set(model, (writers = new Map()));
  return writerFor(model, writers, shapeName);
}

function writerFor(model: ServiceModel, writers: Map<string, Writer>, name: string): Writer {
  const known = writers.get(name);
  if (known) return known;
  // Registered before it is built, so recursive shapes resolve to it.
  let built: Writer | undefined;
  writers.set(name, (v) => built!(v));
  built = build(model, writers, name);
  writers.set(name, built);
  return built;
}

/**
 * An expression writing the value held in `expr` for shape `ref`, with any
 * nested writer it needs appended to `deps` (referenced as d0, d1, ...).
 */
function inline(model: ServiceModel, writers: Map<string, Writer>, ref: MemberRef, expr: string, deps: Writer[]): string {
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
      deps.push(writerFor(model, writers, ref.shape));
      return `d${deps.length - 1}(${expr})`;
  }
}

function build(model: ServiceModel, writers: Map<string, Writer>, name: string): Writer {
  const shape = model.shapes[name]!;
  const deps: Writer[] = [];
  let body: string;
  switch (shape.type) {
    case 'list':
      body = `let out = '['; for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + ${inline(model, writers, shape.member, 'v[i]', deps)}; return out + ']';`;
      break;
    case 'map':
      body = `let out = '{'; let sep = ''; for (const k in v) { const x = v[k]; if (x === undefined || x === null) continue;
        out += sep + JSON.stringify(k) + ':' + ${inline(model, writers, shape.value, 'x', deps)}; sep = ','; } return out + '}';`;
      break;
    case 'structure': {
      const members = Object.entries(shape.members).map(([m, ref], i) => {
        const key = JSON.stringify(`${JSON.stringify(m)}:`);
        return `const x${i} = v[${JSON.stringify(m)}]; if (x${i} !== undefined && x${i} !== null) { out += sep + ${key} + ${inline(model, writers, ref, `x${i}`, deps)}; sep = ','; }`;
      });
      body = `let out = '{'; let sep = ''; ${members.join('\n')} return out + '}';`;
      break;
    }
    default: {
      const scalar = inline(model, writers, { shape: name }, 'v', deps);
      body = `return ${scalar};`;
    }
  }
  const params = deps.map((_, i) => `d${i}`);
  // The model is vendored and trusted; member names are embedded only as JSON string literals.
  const factory = new Function('rt', ...params, `return function write(v) { ${body} };`) as (...a: unknown[]) => Writer;
  return factory(RUNTIME, ...deps);
}
