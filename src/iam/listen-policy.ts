/**
 * Secure by default: authentication may be off only while Sluice listens on
 * a loopback address. Anything reachable from elsewhere needs --auth sigv4,
 * or an explicit --insecure.
 */
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

/** The auth mode when none is asked for: off on loopback, sigv4 elsewhere. */
export const defaultAuthFor = (host: string): 'off' | 'sigv4' => (isLoopback(host) ? 'off' : 'sigv4');

/** Throws when a configuration would expose an unauthenticated server. */
export function checkListenPolicy(c: { host: string; auth: 'off' | 'sigv4'; insecure: boolean }): void {
  if (c.auth === 'off' && !isLoopback(c.host) && !c.insecure) {
    throw new Error(
      `refusing to listen on ${c.host} with --auth off: anyone who can reach it could use every API. ` +
        `Use --auth sigv4 (credentials: SLUICE_ROOT_ACCESS_KEY_ID / SLUICE_ROOT_SECRET_ACCESS_KEY, or generated at first start), ` +
        `or pass --insecure if this is really what you want.`,
    );
  }
}
