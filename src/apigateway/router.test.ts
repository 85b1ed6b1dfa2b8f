import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from './model.js';
import { Router } from './router.js';

const res = (path: string): Resource => ({ id: path, pathPart: path.split('/').pop() ?? '', path, resourceMethods: {} });

test('literal beats {param} beats {proxy+}; greedy needs one segment', () => {
  const router = new Router(['/', '/streams', '/streams/{name}', '/streams/special', '/streams/{name}/record', '/files/{proxy+}'].map(res));
  assert.equal(router.match('/')?.resource.path, '/');
  assert.equal(router.match('/streams')?.resource.path, '/streams');
  assert.equal(router.match('/streams/special')?.resource.path, '/streams/special');
  const m = router.match('/streams/my%20stream/record');
  assert.equal(m?.resource.path, '/streams/{name}/record');
  assert.deepEqual(m?.pathParams, { name: 'my stream' });
  assert.deepEqual(router.match('/files/a/b/c')?.pathParams, { proxy: 'a/b/c' });
  assert.equal(router.match('/files'), undefined);
  assert.equal(router.match('/nope'), undefined);
  // Backtracks from a literal that leads nowhere to the variable.
  assert.equal(router.match('/streams/special/record')?.resource.path, '/streams/{name}/record');
});
