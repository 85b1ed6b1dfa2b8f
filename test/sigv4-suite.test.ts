/**
 * The AWS SigV4 test suite (botocore's aws4_testsuite, test/conformance/sigv4):
 * every signed request verifies with the clock pinned to the suite's date,
 * its canonical request and string to sign are the suite's, and altering any
 * signed part (method, path, query, a signed header, the body, the date)
 * makes verification fail.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { canonicalRequest, sha256Hex, stringToSign, type SignableRequest } from '../src/iam/sigv4/canonical.js';
import { parseAmzDate, parseAuth, verifySignature, verifyTime, type ParsedAuth } from '../src/iam/sigv4/verify.js';

const SUITE = process.env['SLUICE_SIGV4_SUITE'] ?? fileURLToPath(new URL('../../test/conformance/sigv4', import.meta.url));
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const NOW = parseAmzDate('20150830T123600Z')!;

interface Case {
  readonly name: string;
  readonly dir: string;
}

function cases(dir: string): Case[] {
  const out: Case[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (!statSync(p).isDirectory()) continue;
    if (existsSync(join(p, `${entry}.sreq`))) out.push({ name: entry, dir: p });
    else out.push(...cases(p));
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A raw HTTP request as the suite writes it: folded header lines continue the previous header. */
function parseHttp(text: string): SignableRequest {
  const [head, ...rest] = text.split('\n\n');
  const lines = head!.split('\n');
  const requestLine = lines.shift()!;
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' HTTP/'));
  const q = target.indexOf('?');
  const headers: Record<string, string[]> = {};
  let last: string[] | undefined;
  for (const line of lines) {
    if (/^\s/.test(line) && last) {
      last[last.length - 1] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1));
    last = headers[name];
  }
  return {
    method,
    path: q >= 0 ? target.slice(0, q) : target,
    rawQuery: q >= 0 ? target.slice(q + 1) : '',
    headers,
    body: Buffer.from(rest.join('\n\n'), 'utf8'),
  };
}

const read = (c: Case, ext: string): string => readFileSync(join(c.dir, `${c.name}.${ext}`), 'utf8');

function parsed(req: SignableRequest): ParsedAuth {
  const p = parseAuth(req);
  assert.ok(p.ok, `parse failed: ${!p.ok ? p.failure.message : ''}`);
  return p.auth;
}

/** Verification as the server does it: time, then signature. */
function verifies(req: SignableRequest): boolean {
  const p = parseAuth(req);
  if (!p.ok) return false;
  return verifyTime(p.auth, NOW) === undefined && verifySignature(req, p.auth, SECRET) === undefined;
}

/**
 * The signed request of a case. One upstream case (get-vanilla-with-session-token)
 * ships a .sreq whose Signature is get-vanilla's, contradicting its own
 * .creq/.sts/.authz; the .authz is the suite's answer, so it is used there.
 */
function signedRequest(c: Case): SignableRequest {
  const req = parseHttp(read(c, 'sreq'));
  const authz = read(c, 'authz').trim();
  const sent = (req.headers['authorization'] as string[])[0]!.trim();
  if (sent === authz) return req;
  return { ...req, headers: { ...req.headers, authorization: [authz] } };
}

const all = cases(SUITE);

describe('SigV4 test suite', () => {
  it('has the cases', () => {
    assert.ok(all.length >= 30, `found ${all.length} cases under ${SUITE}`);
  });

  for (const c of all) {
    describe(c.name, () => {
      it('canonical request and string to sign match the suite', () => {
        const req = signedRequest(c);
        const auth = parsed(req);
        const creq = canonicalRequest(req, auth.signedHeaders, sha256Hex(req.body));
        assert.equal(creq, read(c, 'creq'));
        assert.equal(stringToSign(auth.amzDate, auth.scope, creq), read(c, 'sts'));
      });

      it('verifies with the clock pinned', () => {
        assert.ok(verifies(signedRequest(c)));
      });

      it('fails once any signed part is altered', () => {
        const req = signedRequest(c);
        const auth = parsed(req);
        const variants: Array<[string, SignableRequest]> = [
          ['method', { ...req, method: req.method === 'GET' ? 'POST' : 'GET' }],
          ['path', { ...req, path: `${req.path.replace(/\/$/, '')}/x` }],
          ['query', { ...req, rawQuery: req.rawQuery ? `${req.rawQuery}&extra=1` : 'extra=1' }],
          ['body', { ...req, body: Buffer.concat([req.body, Buffer.from('x')]) }],
          ['signature', { ...req, headers: { ...req.headers, authorization: [String(req.headers['authorization']).replace(/Signature=(.)/, (_m, ch: string) => `Signature=${ch === 'a' ? 'b' : 'a'}`)] } }],
        ];
        for (const h of auth.signedHeaders) {
          const values = req.headers[h] as string[];
          if (h === 'x-amz-date') {
            variants.push(['x-amz-date', { ...req, headers: { ...req.headers, [h]: ['20150830T123601Z'] } }]);
          } else {
            variants.push([`header ${h}`, { ...req, headers: { ...req.headers, [h]: [...values.slice(0, -1), `${values.at(-1)!}x`] } }]);
          }
        }
        for (const [what, altered] of variants) assert.equal(verifies(altered), false, `still verifies with ${what} altered`);
      });

      it('is refused 15 minutes after (and before) its date', () => {
        const auth = parsed(signedRequest(c));
        assert.equal(verifyTime(auth, NOW + 15 * 60_000), undefined);
        assert.equal(verifyTime(auth, NOW + 15 * 60_000 + 1000)?.kind, 'SignatureExpired');
        assert.equal(verifyTime(auth, NOW - 15 * 60_000 - 1000)?.kind, 'SignatureExpired');
      });
    });
  }
});
