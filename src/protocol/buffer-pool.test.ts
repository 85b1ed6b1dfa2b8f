import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BufferPool, POOLED_MIN_BYTES } from './buffer-pool.js';

describe('BufferPool', () => {
  it('hands a released buffer out again when it is large enough', () => {
    const pool = new BufferPool();
    const a = pool.acquire(POOLED_MIN_BYTES * 2);
    pool.release(a);
    assert.equal(pool.acquire(POOLED_MIN_BYTES * 3) === a, false);
    pool.release(a);
    assert.equal(pool.acquire(POOLED_MIN_BYTES), a);
    assert.notEqual(pool.acquire(POOLED_MIN_BYTES), a);
  });

  it('hands out the smallest buffer that fits', () => {
    const pool = new BufferPool();
    const big = pool.acquire(4 * 1024 * 1024);
    const small = pool.acquire(100 * 1024);
    pool.release(big);
    pool.release(small);
    assert.equal(pool.acquire(50 * 1024), small);
    assert.equal(pool.acquire(50 * 1024) === big, true);
  });

  it('keeps neither small buffers nor more than its byte budget', () => {
    const pool = new BufferPool();
    const small = Buffer.alloc(16);
    pool.release(small);
    assert.notEqual(pool.acquire(1), small);
    const big = Array.from({ length: 6 }, () => pool.acquire(8 * 1024 * 1024));
    for (const b of big) pool.release(b);
    // 32 MiB budget: the four most recently released stay, the oldest two were dropped.
    const back = new Set(Array.from({ length: 6 }, () => pool.acquire(8 * 1024 * 1024)));
    assert.deepEqual(big.map((b) => back.has(b)), [false, false, true, true, true, true]);
  });
});
