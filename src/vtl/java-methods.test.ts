/** Specification of the Java methods templates can call on strings, lists, maps and numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VtlRenderError, compileTemplate } from './index.js';
import { input, render } from './testing.js';

function renderError(template: string, variables?: Record<string, unknown>): VtlRenderError {
  try {
    compileTemplate(template).render(input(), variables);
  } catch (e) {
    assert.ok(e instanceof VtlRenderError, `expected VtlRenderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a render error');
}

describe('String methods', () => {
  const s = { s: 'foobar123bab' };
  it('length, isEmpty, substring, indexOf, lastIndexOf, charAt', () => {
    assert.equal(render('$s.length()|$s.isEmpty()|$s.substring(3, 6)|$s.substring(9)|$s.indexOf("b")|$s.indexOf("b", 4)|$s.lastIndexOf("b")|$s.charAt(1)', s), '12|false|bar|bab|3|9|11|o');
  });
  it('contains, startsWith, endsWith, equals, equalsIgnoreCase', () => {
    assert.equal(render('$s.contains("bar")|$s.startsWith("foo")|$s.endsWith("x")|$s.equals("foobar123bab")|$s.equalsIgnoreCase("FOOBAR123BAB")', s), 'true|true|false|true|true');
  });
  it('trim, toLowerCase, toUpperCase, concat, replace (all occurrences, literal)', () => {
    assert.equal(render('[$p.trim()]|$p.toUpperCase().trim()|$s.replace("b", ".")|$s.concat("!")', { ...s, p: '  a.b  ' }), '[a.b]|A.B|foo.ar123.a.|foobar123bab!');
  });
  it('replaceAll and replaceFirst use Java regular expressions and $n groups', () => {
    assert.equal(render("$s.replaceAll('ba.', 'foo')|$s.replaceFirst('(o+)', '<$1>')|$d.replaceAll('.', 'x')", { ...s, d: 'a.b' }), 'foofoo123foo|f<oo>bar123bab|xxx');
    assert.equal(render("$q.replaceAll(\"\\\\'\", \"'\")", { q: "it\\'s" }), "it's");
  });
  it('matches requires the whole string to match', () => {
    assert.equal(render("$n.matches('[0-9]*')|$s.matches('[0-9]*')|$s.matches('foo.*')", { ...s, n: '123' }), 'true|false|true');
  });
  it('split drops trailing empty strings, as Java does', () => {
    assert.equal(render('$a.split(",").size()|$a.split(",")|$b.split("\\|")', { a: 'a,b,,', b: 'x|y' }), '2|[a, b]|[x, y]');
  });
  it('split honours a limit, keeps trailing empties for a negative one, and splits "" into characters', () => {
    assert.equal(render('$a.split(",", 2)|$a.split(",", -1)|$w.split("")|$w.split("x")|$e.split(",").size()', { a: 'a,b,,', w: 'ab', e: '' }), '[a, b,,]|[a, b, , ]|[a, b]|[ab]|1');
    assert.equal(render('$t.split("\\s+")', { t: ' a  b ' }), '[, a, b]');
  });
  it('throws Java exceptions as render errors that say what failed', () => {
    const e = renderError('line one\n$s.substring(5, 99)', { s: 'abc' });
    assert.match(e.message, /StringIndexOutOfBoundsException/);
    assert.equal(e.line, 2);
    assert.equal(e.column, 1);
  });
  it('gives null for a method String does not have', () => {
    assert.equal(render('[$s.nope()][$s.length]', s), '[][]');
  });
});

describe('List methods', () => {
  it('size, get, isEmpty, contains, indexOf', () => {
    assert.equal(render('$l.size()|$l.get(1)|$l.isEmpty()|$l.contains(2)|$l.contains("2")|$l.indexOf(3)|$l[-1]', { l: [1, 2, 3] }), '3|2|false|true|false|2|3');
  });
  it('add returns true, set and remove(index) return the previous element', () => {
    assert.equal(render('#set($l = ["a"])$l.add("b")|$l.set(0, "z")|$l.remove(1)|$l', {}), 'true|a|b|[z]');
  });
  it('get out of range is an IndexOutOfBoundsException', () => {
    assert.match(renderError('$l.get(5)', { l: [1] }).message, /IndexOutOfBoundsException/);
  });
});

describe('Map methods', () => {
  it('get, containsKey, size, isEmpty, keySet, values, entrySet', () => {
    const m = { m: { a: 1, b: 'x' } };
    assert.equal(render('$m.get("a")|$m.containsKey("b")|$m.size()|$m.isEmpty()|$m.keySet()|$m.values()|$m.entrySet()', m), '1|true|2|false|[a, b]|[1, x]|[a=1, b=x]');
    assert.equal(render('#foreach($e in $m.entrySet())$e.key=$e.value;#end', m), 'a=1;b=x;');
  });
  it('put returns the previous value (null prints nothing), putAll merges, remove returns the old value', () => {
    assert.equal(render('#set($m = {})[$m.put("k", 1)][$m.put("k", 2)]#set($x = $m.putAll({"j": 3}))$m|$m.remove("k")|$m', {}), '[][1]{k=2, j=3}|2|{j=3}');
  });
  it('toString prints key=value pairs; a key named like a method still reads the entry', () => {
    assert.equal(render('$m.toString()|$m.size', { m: { size: 'big' } }), '{size=big}|big');
  });
});

describe('methods of every object', () => {
  it('toString, equals and class.name', () => {
    assert.equal(render('$n.toString()|$n.equals(5)|$s.class.name|$l.getClass().simpleName', { n: 5, s: 'a', l: [] }), '5|true|java.lang.String|JSONArray');
  });
});
