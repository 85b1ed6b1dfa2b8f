/** Specification of the template syntax: what parses, what is text, and the errors people get. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VtlSyntaxError, compileTemplate } from './index.js';
import { render } from './testing.js';

function syntaxError(template: string): VtlSyntaxError {
  try {
    compileTemplate(template);
  } catch (e) {
    assert.ok(e instanceof VtlSyntaxError, `expected VtlSyntaxError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(template)} not to parse`);
}

describe('references', () => {
  it('prints $name, ${name} and $!name', () => {
    assert.equal(render('Hello $name, ${name}. $!name', { name: 'Ann' }), 'Hello Ann, Ann. Ann');
  });
  it('allows hyphens in identifiers, as Velocity 1.7 does', () => {
    assert.equal(render('$elem.partition-key|${elem.partition-key}', { elem: { 'partition-key': 'PK' } }), 'PK|PK');
    assert.equal(render('$mud-slinger', { 'mud-slinger': 'x' }), 'x');
  });
  it('leaves a $ that starts no reference as text', () => {
    assert.equal(render('cost: $ 5, $100, $!, ${'), 'cost: $ 5, $100, $!, ${');
  });
  it('ends a reference at a dot not followed by a name', () => {
    assert.equal(render('$a.', { a: 'x' }), 'x.');
    assert.equal(render('$name}.', { name: 'W' }), 'W}.');
  });
  it('reads properties, method calls and indexes in a chain', () => {
    assert.equal(render("$a.b[1].c.toUpperCase() $a['b'][0].c", { a: { b: [{ c: 'x' }, { c: 'y' }] } }), 'Y x');
    assert.equal(render('$a[ $i ]', { a: ['p', 'q'], i: 1 }), 'q');
  });
  it('keeps a [ after a reference as text when it is not an index', () => {
    assert.equal(render('$a[x', { a: 'v' }), 'v[x');
  });
});

describe('escaping with backslashes', () => {
  it('prints an escaped defined reference as written; pairs of backslashes print one', () => {
    assert.equal(render('\\$e|\\\\$e', { e: 'foo' }), '$e|\\foo');
  });
  it('keeps the backslash before an undefined reference (Velocity 1.7)', () => {
    assert.equal(render('\\$nothing'), '\\$nothing');
  });
  it('escapes directives but leaves other # and \\ alone', () => {
    assert.equal(render('\\#end \\# end \\\\ \\#set( $x = 1 )', { x: 'X' }), '#end \\# end \\\\ #set( X = 1 )');
  });
});

describe('comments and raw text', () => {
  it('drops ## comments with their newline and #* *# comments without it', () => {
    assert.equal(render('## c\nStuff## more $x\nend'), 'Stuffend');
    assert.equal(render('a#* x\n y *#\nb'), 'a\nb');
  });
  it('prints #[[ ]]# blocks unparsed', () => {
    assert.equal(render('#[[ $x #if( ]]#'), ' $x #if( ');
  });
  it('treats # not starting a directive as text', () => {
    assert.equal(render('<span style="color: #13ff93"> "#" #hashtag'), '<span style="color: #13ff93"> "#" #hashtag');
  });
});

describe('directive syntax', () => {
  it('accepts #{else} and #{end}', () => {
    assert.equal(render('#if($v)true#{else}false#{end}x', { v: false }), 'falsex');
  });
  it('accepts a space between the directive and its parenthesis', () => {
    assert.equal(render('#if ($v) yes #end', { v: true }), ' yes ');
  });
  it('parses expressions across lines inside a directive', () => {
    assert.equal(render('#set( $m = {\n  "a": 1,\n  "b": [1, 2]\n} )$m.b'), '[1, 2]');
  });
});

describe('whitespace gobbling (Velocity 1.7)', () => {
  it('#set swallows its trailing newline', () => {
    assert.equal(render('a\n#set($x = 1)\nb'), 'a\nb');
  });
  it('#set swallows indentation only when no earlier text on the line run owns it', () => {
    assert.equal(render('#if(true)\n    #set($x = 1)\n#end'), '');
    assert.equal(render('{\n    #set($x = 1)\n    "k": $x\n}'), '{\n        "k": 1\n}');
  });
  it('#if(...), #else and #end swallow trailing spaces and one newline', () => {
    assert.equal(render('\n#if(true)\nhello\n#else  \nno\n#end  \nafter'), '\nhello\nafter');
  });
  it('keeps indentation before #if, #foreach and #end, and spaces not followed by a newline', () => {
    assert.equal(render('  #if(true) x #end y'), '   x  y');
    assert.equal(render('[\n  #foreach($i in [1,2])\n    $i\n  #end\n]'), '[\n      1\n      2\n  ]');
  });
});

describe('syntax errors give line, column and excerpt', () => {
  it('reports an unclosed #if where it starts', () => {
    const e = syntaxError('line one\n  #if($a)\nno end');
    assert.equal(e.line, 2);
    assert.equal(e.column, 3);
    assert.equal(e.excerpt, '  #if($a)');
    assert.match(e.message, /#if has no matching #end at line 2, column 3/);
  });
  it('reports a bad expression at the offending character', () => {
    const e = syntaxError('{\n  "a": #if($x == ) 1 #end\n}');
    assert.equal(e.line, 2);
    assert.equal(e.column, 18); // the ")" where a value was expected
  });
  it('reports a stray #end, #else and #elseif', () => {
    assert.equal(syntaxError('x #end').column, 3);
    assert.match(syntaxError('#else').message, /#else without a matching #if/);
    assert.match(syntaxError('#foreach($i in [1])#elseif(true)#end').message, /#elseif without a matching #if/);
  });
  it('reports #set without an assignment and #foreach without in', () => {
    assert.match(syntaxError('#set($a 1)').message, /#set expects =/);
    assert.match(syntaxError('#foreach($a of $b)#end').message, /'in'/);
  });
  it('reports unterminated strings and comments', () => {
    assert.match(syntaxError('#set($a = "abc)').message, /Unterminated string/);
    assert.match(syntaxError('#* never closed').message, /Unterminated comment/);
  });
  it('refuses templates over 300 KB', () => {
    assert.match(syntaxError('x'.repeat(300 * 1024 + 1)).message, /300 KB/);
    assert.doesNotThrow(() => compileTemplate('x'.repeat(300 * 1024)));
  });
});

describe('directives API Gateway does not run', () => {
  it('drops #macro definitions and prints macro calls as written', () => {
    assert.equal(render('#macro(tryme $a)$a#end#tryme($x)', { x: 1 }), '#tryme($x)');
  });
  it('prints #evaluate, #parse and #include as written', () => {
    assert.equal(render('#evaluate($s) #parse("a.vm") #include("b")', { s: '$x' }), '#evaluate($s) #parse("a.vm") #include("b")');
  });
});
