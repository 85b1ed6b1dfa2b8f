import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonRejected, scanJson } from './json-scan.js';

const scan = (s: string): void => scanJson(Buffer.from(s));

describe('the JSON structure walk', () => {
  it('lets through what clients send, strings of any size and content included', () => {
    scan(JSON.stringify({ StreamName: 's', Records: Array.from({ length: 500 }, (_, i) => ({ Data: Buffer.alloc(20_000, i).toString('base64'), PartitionKey: `k,[{"\\${i}` })) }));
    scan('{"a":"\\\\"}');
    scan('{"a":"x\\"],[,]"}');
  });

  it('refuses millions of tiny values before they are parsed', () => {
    assert.throws(() => scan(`[${Array(200_000).fill('1').join(',')}]`), JsonRejected);
    assert.throws(() => scan(`{${Array.from({ length: 60_000 }, (_, i) => `"k${i}":1`).join(',')}}`), JsonRejected);
  });

  it('refuses deep nesting', () => {
    assert.throws(() => scan('['.repeat(100) + ']'.repeat(100)), /nested deeper than 64/);
    scan('['.repeat(60) + ']'.repeat(60));
  });

  it('counts nothing inside strings', () => {
    scan(JSON.stringify({ s: ','.repeat(500_000) + '['.repeat(500) }));
  });
});
