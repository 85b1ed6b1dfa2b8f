import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extendedRequestId } from './extended-request-id.js';

describe('x-amz-id-2', () => {
  it('is 72 base64 characters, different every time, across refills', () => {
    const ids = Array.from({ length: 1000 }, extendedRequestId);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9+/]{72}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});
