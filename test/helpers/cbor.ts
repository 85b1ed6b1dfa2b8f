/**
 * CBOR as AWS's clients read it: 8-byte integers as numbers (AWS writes
 * timestamps as tag 1 around integer milliseconds, which cbor-x's default
 * decoder hands its date extension as a BigInt, and throws).
 */
import { Decoder } from 'cbor-x';

const decoder = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true } as ConstructorParameters<typeof Decoder>[0]);

export const decodeCbor = (bytes: Uint8Array): any => decoder.decode(bytes);
