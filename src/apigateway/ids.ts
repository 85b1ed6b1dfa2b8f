import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Random bytes drawn in bulk: one system call per 4 KiB instead of one per id (imports make thousands). */
let pool = Buffer.alloc(0);
let poolAt = 0;
function randomByte(): number {
  if (poolAt >= pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/** A 10-character lowercase alphanumeric id, the shape AWS uses for APIs, resources, deployments. */
export function newId(length = 10): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ALNUM[randomByte() % ALNUM.length];
  return id;
}

/** Request ids look like AWS's (a UUID). */
export function newRequestId(): string {
  return randomUUID();
}

const B64ISH = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** x-amz-apigw-id: AWS's are 16 characters ending in "=", e.g. "Ab1cDEFgIAMFtAA=". */
export function newExtendedRequestId(): string {
  const bytes = randomBytes(15);
  let id = '';
  for (let i = 0; i < 15; i++) id += B64ISH[bytes[i]! % B64ISH.length];
  return id + '=';
}
