/**
 * x-amz-id-2 values: 72 base64 characters (54 random bytes), shaped as AWS's
 * are. They are cut from random bytes drawn in bulk: one call into the random
 * generator per request showed up in profiles of small, frequent requests.
 */
import { randomBytes } from 'node:crypto';

const ID_BYTES = 54;
const IDS_PER_DRAW = 256;

let pool = Buffer.alloc(0);
let at = 0;

export function extendedRequestId(): string {
  if (at + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * IDS_PER_DRAW);
    at = 0;
  }
  const id = pool.toString('base64', at, at + ID_BYTES);
  at += ID_BYTES;
  return id;
}
