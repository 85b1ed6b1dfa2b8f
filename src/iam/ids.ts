/**
 * Identifiers in AWS's shapes: a four-letter prefix naming the kind
 * (AIDA user, AROA role, ANPA policy, AIPA instance profile, AKIA access key,
 * ASIA temporary key)
 * followed by base32 characters; secrets are 40 base64-ish characters.
 */
import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

export type IdPrefix = 'AIDA' | 'AROA' | 'ANPA' | 'AIPA' | 'AKIA' | 'ASIA';

/** Entity ids are 21 characters; access key ids 20. */
export const newId = (prefix: IdPrefix): string => prefix + base32(prefix === 'AKIA' || prefix === 'ASIA' ? 16 : 17);

/** 30 random bytes are exactly 40 base64 characters, like AWS secret keys. */
export const newSecret = (): string => randomBytes(30).toString('base64');
