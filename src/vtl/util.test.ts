/** Specification of $util, with the Java behaviour API Gateway shows. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from './testing.js';
import { base64Decode, base64Encode, escapeJavaScript, urlDecode, urlEncode } from './util.js';

describe('$util.escapeJavaScript (Commons Lang rules)', () => {
  it('escapes quotes, backslash, slash and control characters', () => {
    assert.equal(escapeJavaScript(`it's "x" \\ a/b\n\t\u0001`), `it\\'s \\"x\\" \\\\ a\\/b\\n\\t\\u0001`);
  });
  it('writes non-ASCII as upper-case \\uXXXX, one per UTF-16 unit', () => {
    assert.equal(escapeJavaScript('é😀'), '\\u00E9\\uD83D\\uDE00');
  });
  it("is undone for JSON with .replaceAll(\"\\\\'\",\"'\"), as the AWS docs show", () => {
    assert.equal(render(`$util.escapeJavaScript($s).replaceAll("\\\\'","'")`, { s: "it's" }), "it's");
  });
});

describe('$util.urlEncode / urlDecode (java.net.URLEncoder)', () => {
  it('encodes like AWS: space as +, : and { as %XX', () => {
    assert.equal(urlEncode('{"some": "value"}'), '%7B%22some%22%3A+%22value%22%7D');
    assert.equal(urlEncode("a*b-c_d.e~f'g"), "a*b-c_d.e%7Ef%27g");
    assert.equal(urlEncode('ü'), '%C3%BC');
  });
  it('decodes + and %XX; a bad escape is an error', () => {
    assert.equal(urlDecode('a+b%3A%C3%BC'), 'a b:ü');
    assert.throws(() => urlDecode('%zz'), /IllegalArgumentException/);
  });
  it('renders empty for null', () => {
    assert.equal(render('[$util.urlEncode($nothing)]'), '[]');
  });
});

describe('$util.base64Encode / base64Decode (UTF-8)', () => {
  it('round-trips text', () => {
    assert.equal(base64Encode('some data'), 'c29tZSBkYXRh');
    assert.equal(base64Decode('c29tZSBkYXRh'), 'some data');
    assert.equal(base64Decode(base64Encode('Grüße 😀')), 'Grüße 😀');
  });
  it('encodes a map or list through its Java text', () => {
    assert.equal(render('$util.base64Encode($m)', { m: { x: 1, y: [1, 2] } }), base64Encode('{x=1, y=[1,2]}'));
  });
});

describe('$util.parseJson', () => {
  it('gives maps and lists the template can walk', () => {
    assert.equal(render(`#set($o = $util.parseJson('{"key2": {"arr": [1, 2]}, "d": 1.0}'))$o.key2.arr[0] $o.d`), '1 1.0');
  });
  it('fails the render on invalid JSON', () => {
    assert.throws(() => render(`$util.parseJson('{oops')`), /VtlRenderError|invalid JSON/);
  });
  it('has no toJson (API Gateway does not either)', () => {
    assert.equal(render('[$util.toJson($x)]', { x: 1 }), '[]');
  });
});
