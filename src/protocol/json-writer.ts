/**
 * JSON writers compiled from the service model, one per output shape: they
 * write an action's typed result straight to JSON text (blobs as base64,
 * timestamps as epoch seconds, members absent from the shape dropped), with
 * no intermediate object tree. Same output as shapeOutput + JSON.stringify.
 */
import { blobBase64, type BlobValue } from './blob.js';
import type { MemberRef, ServiceModel } from './model.js';

type Writer = (v: any) => string;

const writeString: Writer = (v) => JSON.stringify(v);
const writeNumber: Writer = (v) => (Number.isFinite(v) ? String(v) : 'null');
const writeBoolean: Writer = (v) => (v ? 'true' : 'false');
const writeBlob: Writer = (v: BlobValue) => `"${blobBase64(v)}"`;
const writeTimestamp: Writer = (v: Date | number) => String((v instanceof Date ? v.getTime() : v) / 1000);

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

function build(model: ServiceModel, writers: Map<string, Writer>, name: string): Writer {
  const shape = model.shapes[name]!;
  const sub = (ref: MemberRef): Writer => writerFor(model, writers, ref.shape);
  switch (shape.type) {
    case 'string':
      return writeString;
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return writeNumber;
    case 'boolean':
      return writeBoolean;
    case 'blob':
      return writeBlob;
    case 'timestamp':
      return writeTimestamp;
    case 'list': {
      const item = sub(shape.member);
      return (v: unknown[]) => {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + item(v[i]);
        return out + ']';
      };
    }
    case 'map': {
      const value = sub(shape.value);
      return (v: Record<string, unknown>) => {
        let out = '{';
        let first = true;
        for (const k in v) {
          const x = v[k];
          if (x === undefined || x === null) continue;
          out += (first ? '' : ',') + JSON.stringify(k) + ':' + value(x);
          first = false;
        }
        return out + '}';
      };
    }
    case 'structure': {
      const members = Object.entries(shape.members).map(([m, ref]) => ({ m, key: `${JSON.stringify(m)}:`, write: sub(ref) }));
      return (v: Record<string, unknown>) => {
        let out = '{';
        let first = true;
        for (const { m, key, write } of members) {
          const x = v[m];
          if (x === undefined || x === null) continue;
          out += (first ? '' : ',') + key + write(x);
          first = false;
        }
        return out + '}';
      };
    }
  }
}
