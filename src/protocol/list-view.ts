/**
 * A list member an action hands over in its own representation, for lists
 * too large to build as objects first (GetRecords' records, read straight
 * from storage). It writes its own JSON into the answer; the other encoders
 * (event streams, and CBOR unless it writes that too) ask it for plain items
 * and shape those as usual.
 *
 * The JSON it writes must be exactly what the generic writer would write for
 * its items(); tests pin that down for each implementation.
 */
import type { ByteSink } from './json-writer.js';

const LIST_VIEW = Symbol('sluice.listView');

export abstract class ListView<T = unknown> {
  readonly [LIST_VIEW] = true;
  abstract readonly length: number;
  /** Writes the whole list, brackets included. */
  abstract writeJson(sink: ByteSink): void;
  /** Writes the whole list as CBOR, if this list can (see cbor-output.ts). */
  writeCbor?(sink: ByteSink): void;
  abstract items(): T[];
}

export const isListView = (v: unknown): v is ListView => typeof v === 'object' && v !== null && LIST_VIEW in v;
