/** The console's static files: content types, cache headers, 404s, SPA fallback, and the health link. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Sluice } from '../src/server/app.js';
import { repoRoot, startTestSluice } from './helpers/sluice.js';

const built = existsSync(join(repoRoot, 'dist/console/index.html'));

describe('console static serving', { skip: built ? false : 'dist/console is missing: run `npm run build`' }, () => {
  let s: Sluice;
  before(async () => {
    s = await startTestSluice();
  });
  after(() => s.close());

  test('health links to the console', async () => {
    const health = (await (await fetch(`${s.url}/_sluice/health`)).json()) as { consoleUrl: string };
    assert.equal(health.consoleUrl, `${s.url}/_sluice/console/`);
  });

  test('index.html, revalidated, with a CSP that allows only this origin', async () => {
    const res = await fetch(`${s.url}/_sluice/console/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const html = await res.text();
    assert.match(html, /<div id="app">/);
    // Every asset is local: no http(s):// references in the page.
    assert.doesNotMatch(html, /(src|href)="https?:/);
    const etag = res.headers.get('etag')!;
    const again = await fetch(`${s.url}/_sluice/console/`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  test('fingerprinted assets are immutable and typed', async () => {
    const html = await (await fetch(`${s.url}/_sluice/console/`)).text();
    const js = /src="(\/_sluice\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const css = /href="(\/_sluice\/console\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    assert.ok(js && css, 'index.html names its script and stylesheet');
    const script = await fetch(s.url + js);
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const body = await script.text();
    assert.doesNotMatch(body, /https:\/\/(fonts|cdn|unpkg)/, 'no external fetches in the bundle');
    const style = await fetch(s.url + css);
    assert.equal(style.headers.get('content-type'), 'text/css; charset=utf-8');
  });

  test('pages of the app fall back to index.html; unknown files are 404', async () => {
    for (const page of ['streams', 'apis/abc123/resources/xyz/GET/test', 'iam/roles/apigAwsProxyRole']) {
      const res = await fetch(`${s.url}/_sluice/console/${page}`);
      assert.equal(res.status, 200, page);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    }
    for (const missing of ['assets/nope.js', 'favicon.ico', 'x/y.css', '..%2f..%2fpackage.json', '%2e%2e/%2e%2e/package.json']) {
      const res = await fetch(`${s.url}/_sluice/console/${missing}`);
      assert.equal(res.status, 404, missing);
    }
  });

  test('/_sluice/console redirects to the slash; writes are refused', async () => {
    const res = await fetch(`${s.url}/_sluice/console`, { redirect: 'manual' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), '/_sluice/console/');
    const post = await fetch(`${s.url}/_sluice/console/`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
  });

  test('HEAD answers like GET without a body', async () => {
    const res = await fetch(`${s.url}/_sluice/console/streams`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await res.text(), '');
  });
});
