import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { H2_PREFACE, protocolOf } from './sniff.js';

describe('protocol sniffing', () => {
  it('waits while the bytes are a prefix of the HTTP/2 preface, and decides on the first byte that is not', () => {
    for (let n = 0; n < H2_PREFACE.length; n++) assert.equal(protocolOf(H2_PREFACE.subarray(0, n)), undefined, `${n} bytes`);
    assert.equal(protocolOf(H2_PREFACE), 'h2c');
    assert.equal(protocolOf(Buffer.concat([H2_PREFACE, Buffer.from([0, 0, 0, 4])])), 'h2c');
    assert.equal(protocolOf(Buffer.from('PU')), 'http/1.1');
    assert.equal(protocolOf(Buffer.from('POST / HTTP/1.1\r\n')), 'http/1.1');
    assert.equal(protocolOf(Buffer.from('PRI * HTTP/1.1\r\n')), 'http/1.1');
    assert.equal(protocolOf(Buffer.from('G')), 'http/1.1');
  });
});
