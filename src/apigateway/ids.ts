import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A 10-character lowercase alphanumeric id, the shape AWS uses for APIs, resources, deployments. */
export function newId(length = 10): string {
  const bytes = randomBytes(length);
  let id = '';
  for (let i = 0; i < length; i++) id += ALNUM[bytes[i]! % ALNUM.length];
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
