/**
 * Session tokens carry the temporary credentials themselves, sealed with
 * AES-256-GCM under a key kept in the data dir: nothing is stored per
 * session, a token cannot be forged or altered, and sessions survive a
 * restart until they expire, as in AWS.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Who a session acts as. Role sessions name the role id so a re-created role does not inherit old sessions. */
export type SessionSubject =
  | { readonly kind: 'root' }
  | { readonly kind: 'user'; readonly userName: string; readonly userId: string }
  | { readonly kind: 'assumed-role'; readonly roleName: string; readonly roleId: string; readonly sessionName: string };

export interface SessionClaims {
  /** ASIA... */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly subject: SessionSubject;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

const MAGIC = Buffer.from('SLT1');
const IV = 12;
const TAG = 16;

export class SessionTokenCodec {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('session token key must be 32 bytes');
  }

  seal(claims: SessionClaims): string {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(MAGIC);
    const body = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** The claims, or undefined when the token was not issued by this server or was altered. */
  open(token: string): SessionClaims | undefined {
    const raw = Buffer.from(token, 'base64');
    if (raw.length <= MAGIC.length + IV + TAG || !raw.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    try {
      const iv = raw.subarray(MAGIC.length, MAGIC.length + IV);
      const tag = raw.subarray(MAGIC.length + IV, MAGIC.length + IV + TAG);
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(MAGIC);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(raw.subarray(MAGIC.length + IV + TAG)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as SessionClaims;
    } catch {
      return undefined;
    }
  }
}
