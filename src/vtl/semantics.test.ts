/**
 * Specification of what templates compute: Velocity 1.7 semantics with Java values, plus
 * API Gateway's own rules (null prints as nothing and equals "", #foreach limit ...).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from './testing.js';

describe('null (API Gateway rules)', () => {
  it('prints an undefined or null reference as empty text, quiet or not', () => {
    assert.equal(render('[$x][$!x][${x.y}][$n]', { n: null }), '[][][][]');
  });
  it('treats null as equal to null and to ""', () => {
    assert.equal(render('#if($x == "")a#end#if($x == $null)b#end#if($x != \'\')c#end'), 'ab');
  });
  it('treats null as true in #if (it behaves like "")', () => {
    assert.equal(render('#if($missing)yes#end#if(!$missing)no#end'), 'yes');
  });
  it('#set with a null value leaves the variable unchanged', () => {
    assert.equal(render('#set($a = 1)#set($a = $nothing)$a'), '1');
    assert.equal(render('#set($m = {})#set($m.k = $nothing)$m'), '{}');
  });
});

describe('truthiness (Velocity 1.7)', () => {
  it('makes only false false: "", 0 and empty lists are true', () => {
    assert.equal(render('#if("")1#end#if(0)2#end#if([])3#end#if(false)4#end'), '123');
  });
  it('supports !, not, &&, and, ||, or', () => {
    assert.equal(render('#if(!$f && not $f)a#end#if($f || $t)b#end#if($f or $f)c#end#if($t and $t)d#end', { f: false, t: true }), 'abd');
  });
});

describe('comparisons', () => {
  it('compares numbers by value, across Integer and Double', () => {
    assert.equal(render('#if(1 == 1.0)a#end#if(2 > 1.5)b#end#if(2 <= 2)c#end#if(3 ge 4)d#end'), 'abc');
  });
  it('compares values of different classes by their toString()', () => {
    assert.equal(render('#if(1 == "1")a#end#if(true == "true")b#end#if(0 == "")c#end#if([] == "")d#end'), 'ab');
  });
  it('compares lists and maps element by element', () => {
    assert.equal(render('#if([1, "a"] == [1, "a"])a#end#if({"k": 1} == {"k": 1})b#end#if({"k": 1} == {"k": 2})c#end'), 'ab');
  });
  it('is false for < and > on non-numbers', () => {
    assert.equal(render('#if("b" > "a")a#end#if($x < 1)b#end'), '');
  });
});

describe('arithmetic', () => {
  it('keeps Integer arithmetic integral: / truncates', () => {
    assert.equal(render('#set($a = 5 / 2)$a|#set($b = -7 / 2)$b|#set($c = 7 % 3)$c'), '2|-3|1');
  });
  it('uses Double as soon as one operand is a Double, printed the Java way', () => {
    assert.equal(render('#set($a = 100.0 / 50)$a|#set($b = .5 * .1)$b|#set($c = 1.5 + 1)$c'), '2.0|0.05|2.5');
    assert.equal(render('#set($a = 10000000.0 * 1)$a|#set($b = 0.0001 * 1)$b'), '1.0E7|1.0E-4');
  });
  it('gives null for division by zero and for non-numbers', () => {
    assert.equal(render('#set($a = 1)#set($a = 1 / 0)$a|#set($b = [] - 1)$b'), '1|');
  });
  it('concatenates with + when either side is a String', () => {
    assert.equal(render('#set($s = "n=" + 5)$s|#set($t = 1 + 2 + "x")$t'), 'n=5|3x');
  });
  it('follows precedence: * before +, + before comparison', () => {
    assert.equal(render('#set($a = 2 + 5 * 4)$a|#set($b = 4 > 2 + 5)$b|#set($c = (5 + 4) > 2)$c'), '22|false|true');
  });
});

describe('literals', () => {
  it('interpolates "..." strings and not \'...\' strings', () => {
    assert.equal(render('#set($a = "hi $n")#set($b = \'hi $n\')$a|$b', { n: 'Bo' }), 'hi Bo|hi $n');
  });
  it('reads doubled quotes as one quote and keeps backslashes', () => {
    assert.equal(render('#set($a = "say ""hi"" \\n")$a|#set($b = \'it\'\'s\')$b'), 'say "hi" \\n|it\'s');
  });
  it('builds lists, maps and ranges', () => {
    assert.equal(render('#set($l = [1, "a", [2]])$l|#set($m = {"a": 1, "b": "x"})$m $m.a #foreach($i in [3..1])$i#end'), '[1, a, [2]]|{a=1, b=x} 1 321');
  });
  it('evaluates directives inside "..." strings', () => {
    assert.equal(render('#set($a = "#if($t)yes#{else}no#end")$a', { t: true }), 'yes');
  });
});

describe('#foreach', () => {
  it('exposes $foreach.index/count/hasNext/first/last, $velocityCount and $velocityHasNext', () => {
    assert.equal(
      render('#foreach($i in ["a","b","c"])$foreach.index$foreach.count$foreach.hasNext.toString().charAt(0)$foreach.first.toString().charAt(0)$foreach.last.toString().charAt(0)$velocityCount$velocityHasNext.toString().charAt(0) #end'),
      '01ttf1t 12tff2t 23fft3f ',
    );
  });
  it('iterates the values of a map', () => {
    assert.equal(render('#foreach($v in $m)$v,#end', { m: { a: 1, b: 2 } }), '1,2,');
  });
  it('skips null and non-iterable values', () => {
    assert.equal(render('#foreach($v in $none)x#end#foreach($v in "abc")y#end'), '');
  });
  it('restores the loop variable afterwards; other #set values persist', () => {
    assert.equal(render('#set($i = 1)#set($last = 0)#foreach($i in [2,3])#set($last = $i)#end$i $last'), '1 3');
  });
  it('keeps nested loop counters apart; $foreach.parent reaches the outer loop', () => {
    assert.equal(render('#foreach($a in [1,2])#foreach($b in [1,2])$foreach.parent.count$foreach.count #end#end'), '11 12 21 22 ');
  });
  it('#break leaves the innermost loop at once', () => {
    assert.equal(render('#foreach($i in [1..5])#if($i == 3)#break#end$i#end'), '12');
    assert.equal(render('#foreach($a in [1,2])#foreach($b in [1,2])#break#end$a#end'), '12');
  });
  it('stops after 1,000 iterations, as API Gateway does', () => {
    const out = render('#foreach($i in [1..5000])x#end');
    assert.equal(out.length, 1000);
    assert.equal(render('#foreach($i in [1..1001])#if(!$foreach.hasNext)$i#end#end'), '');
  });
});

describe('#stop, #define', () => {
  it('#stop ends the render, keeping what was printed', () => {
    assert.equal(render('hello #stop world'), 'hello ');
    assert.equal(render('#foreach($i in [1,2,3])$i#if($i == 2)#stop#end#end tail'), '12');
  });
  it('#define renders its block where (and when) the reference is used', () => {
    assert.equal(render('#define($b)[$x]#end#set($x = 1)$b#set($x = 2)$b'), '[1][2]');
    assert.equal(render('#define($i)$foreach.index#end#foreach($x in [7,8])$i#end'), '01');
  });
});

describe('#set targets', () => {
  it('swallows the spaces between the previous token and #set (a Velocity 1.7 quirk)', () => {
    assert.equal(render('$a #set($b = 1)$b', { a: 'A' }), 'A1');
    assert.equal(render('text #set($b = 1)$b'), 'text 1');
  });
  it('assigns map entries by property and by index, and list items by index', () => {
    assert.equal(render('#set($m = {})#set($m.a = 1)#set($k = "b")#set($m[$k] = 2)#set($m["$k$k"] = 3)$m'), '{a=1, b=2, bb=3}');
    assert.equal(render('#set($l = ["x", "y"])#set($l[1] = "z")$l'), '[x, z]');
  });
  it('assigns into nested maps', () => {
    assert.equal(render('#set($m = {"in": {}})#set($m.in.deep = "v")$m.in["deep"]'), 'v');
  });
});

describe('how values print', () => {
  it('prints maps Java-style and JSON lists as compact JSON', () => {
    assert.equal(render('$m', { m: { a: 'x', l: [1, { b: null }], n: null } }), '{a=x, l=[1,{"b":null}], n=null}');
    assert.equal(render('$l', { l: ['a/b', 'q"'] }), '["a\\/b","q\\""]');
  });
  it('prints template lists Java-style', () => {
    assert.equal(render('#set($l = ["a", {"k": "v"}, $nothing])$l'), '[a, {k=v}, null]');
  });
  it('prints booleans, integers and doubles like Java', () => {
    assert.equal(render('$t $i $d $big', { t: true, i: 42, d: 1.5, big: 12345678901 }), 'true 42 1.5 12345678901');
  });
});
