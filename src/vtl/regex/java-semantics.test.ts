/**
 * Specification of the Java semantics templates rely on, one construct at a time. Every expected
 * value is Java's: they were checked against OpenJDK 17.0.15 (the same runs as java17-cases.ts),
 * and the split tables come from the Pattern.split javadoc ("boo:and:foo").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StepBudget } from './budget.js';
import { compilePattern, javaMatches, javaReplaceAll, javaReplaceFirst, javaSplit } from './index.js';
import { Matcher } from './match.js';

/** Every match of `pattern` in `s`, each as the list of its groups' texts (null: did not take part). */
function findAll(pattern: string, s: string): (string | null)[][] {
  const m = new Matcher(compilePattern(pattern), s, new StepBudget(1e7));
  const out: (string | null)[][] = [];
  while (m.find()) {
    const groups: (string | null)[] = [];
    for (let g = 0; g <= m.groupCount; g++) groups.push(m.group(g));
    out.push(groups);
  }
  return out;
}

function javaError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('quantifiers: greedy, reluctant, possessive', () => {
  it('a possessive quantifier never gives back', () => {
    assert.equal(javaMatches('aaa', 'a++a'), false);
    assert.equal(javaMatches('aaab', 'a++b'), true);
    assert.equal(javaMatches('aaa', 'a*+a'), false);
    assert.equal(javaMatches('a', 'a?+a'), false);
    assert.equal(javaMatches('aaa', 'a{1,3}+a'), false);
    assert.equal(javaMatches('aaaa', 'a{1,3}+a'), true);
  });
  it('a possessive group loop makes every iteration atomic (Java\'s Curly)', () => {
    assert.equal(javaMatches('aba', '(?:a|ab){2}'), true);
    assert.equal(javaMatches('aba', '(?:a|ab){2}+'), false);
    assert.equal(javaMatches('abc', '(a|ab)++c'), false);
  });
  it('greedy takes the most, reluctant the least', () => {
    assert.deepEqual(findAll('<.+>', '<a><b>'), [['<a><b>']]);
    assert.deepEqual(findAll('<.+?>', '<a><b>'), [['<a>'], ['<b>']]);
    assert.deepEqual(findAll('(a+?)(a*)', 'aaa'), [['aaa', 'a', 'aa']]);
    assert.deepEqual(findAll('a{2,3}?', 'aaaaa'), [['aa'], ['aa']]);
  });
  it('an iteration that matches nothing ends a loop', () => {
    assert.deepEqual(findAll('(a*)*', 'b'), [['', ''], ['', '']]);
    assert.deepEqual(findAll('(a?){3}', 'aa'), [['aa', ''], ['', '']]);
  });
  it('a group keeps its last iteration, also when a later one skipped it', () => {
    assert.deepEqual(findAll('(?:(a)|b)+', 'ab'), [['ab', 'a']]);
    assert.deepEqual(findAll('(\\w)+', 'abc'), [['abc', 'c']]);
  });
  it('{ starts a count or is an error; ] and } alone are literals', () => {
    assert.equal(javaMatches('xx', 'x{2}{3}'), true);
    assert.equal(javaMatches('a}]', 'a}]'), true);
    assert.match(javaError(() => javaMatches('a', 'a{x')), /^java\.util\.regex\.PatternSyntaxException: Illegal repetition near index 2\na\{x\n {2}\^$/);
  });
});

describe('atomic groups and lookaround', () => {
  it('an atomic group commits to its first way', () => {
    assert.equal(javaMatches('aaa', '(?>a+)a'), false);
    assert.equal(javaMatches('abc', '(?>a|ab)c'), false);
    assert.equal(javaMatches('abc', '(?:a|ab)c'), true);
  });
  it('lookahead and lookbehind, positive and negative', () => {
    assert.deepEqual(findAll('(?<=a)b', 'ab cb'), [['b']]);
    assert.deepEqual(findAll('(?<!a)b', 'ab cb'), [['b']]);
    assert.deepEqual(findAll('(?<=ab|c)d', 'abd cd bd').length, 2);
    assert.deepEqual(findAll('(?=(a+))a', 'aaa'), [['a', 'aaa'], ['a', 'aa'], ['a', 'a']]);
    assert.equal(javaMatches('a..b', '^(?!.*\\.\\.)[a-z.]+$'), false);
  });
  it('lookbehind needs an obvious maximum length, which a one-character loop has (Java 9 and later)', () => {
    assert.deepEqual(findAll('(?<=\\d+\\.)x', '12.x'), [['x']]);
    assert.match(javaError(() => javaMatches('ababc', '(?<=(?:ab)+)c')), /Look-behind group does not have an obvious maximum length/);
    assert.match(javaError(() => javaMatches('ab', '(a)(?<=\\1)b')), /Look-behind group does not have an obvious maximum length/);
  });
  it('groups set inside an atomic or possessive part stay set, as in Java', () => {
    const m = new Matcher(compilePattern('(ab|a)*+b'), 'abab', new StepBudget(1e6));
    assert.equal(m.find(), true);
    assert.equal(m.group(0), 'b');
    assert.equal(m.group(1), 'ab'); // left over from the failed attempt at index 0
  });
});

describe('backreferences', () => {
  it('\\n and \\k<name> match the group\'s text; a group that did not match fails them', () => {
    assert.deepEqual(findAll('(a|b)\\1', 'abba'), [['bb', 'b']]);
    assert.deepEqual(findAll('(?<x>ab)\\k<x>', 'ababab'), [['abab', 'ab']]);
    assert.deepEqual(findAll('(a)?\\1', 'b'), []);
    assert.deepEqual(findAll('^(a+?)\\1+$', 'aaaaaa'), [['aaaaaa', 'a']]);
  });
  it('compares case-insensitively under (?i)', () => {
    assert.deepEqual(findAll('(?i)(a)\\1', 'aA'), [['aA', 'a']]);
    assert.deepEqual(findAll('(?i)(é)\\1', 'éÉ'), []);
    assert.deepEqual(findAll('(?iu)(é)\\1', 'éÉ'), [['éÉ', 'é']]);
  });
  it('takes a second digit only when that group exists', () => {
    assert.equal(javaReplaceAll('abcdefghijkl', '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)', '$11-$10-$1'), 'k-j-al');
    assert.equal(javaReplaceAll('abc', '(a)', '$10'), 'a0bc');
  });
});

describe('character classes', () => {
  it('ranges, negation, union and intersection', () => {
    assert.equal(javaMatches('abcd', '[a-z&&[^e]]+'), true);
    assert.equal(javaMatches('abcde', '[a-z&&[^e]]+'), false);
    assert.equal(javaMatches('abxyz', '[a-c[x-z]]+'), true);
    assert.equal(javaMatches('x', '[^a-c[x-z]]'), false); // negation covers the nested class (JDK 9 and later)
    assert.equal(javaMatches('a', '[abc&&b]'), false);
    assert.deepEqual(findAll('[[a-z]&&[^aeiou]]+', 'hello'), [['h'], ['ll']]);
  });
  it('] first in a class and - at either end are literals', () => {
    assert.equal(javaMatches(']a]', '[]a]+'), true);
    assert.equal(javaMatches('a-a', '[a-]+'), true);
    assert.equal(javaMatches('a-bc', '[a-[bc]]+'), true);
  });
  it('POSIX classes are US-ASCII; Is-properties and java* are Unicode', () => {
    assert.equal(javaMatches('abc', '\\p{Lower}+'), true);
    assert.equal(javaMatches('é', '\\p{Lower}'), false);
    assert.equal(javaMatches('aé', '\\p{IsAlphabetic}+'), true);
    assert.equal(javaMatches('aé', '\\p{javaLowerCase}+'), true);
    assert.equal(javaMatches('!@#', '\\p{Punct}+'), true);
    assert.equal(javaMatches('0aF', '\\p{XDigit}+'), true);
    assert.equal(javaMatches(' \t', '\\p{Blank}+'), true);
    assert.equal(javaMatches('1٣', '\\p{IsDigit}+'), true);
    assert.equal(javaMatches('ÉA', '\\p{Lu}+'), true);
    assert.equal(javaMatches('AB1', '\\P{Lower}+'), true);
  });
  it('\\w \\d \\s are ASCII unless (?U); \\b counts any letter or digit (Java 8 to 18)', () => {
    assert.equal(javaMatches('é', '\\w'), false);
    assert.equal(javaMatches('é', '(?U)\\w'), true);
    // é is a word character for \b but not for \w: no \w+ run here is bounded by \b on both sides.
    assert.deepEqual(findAll('\\b\\w+\\b', 'héllo wörld'), []);
    assert.deepEqual(findAll('\\bé', 'é'), [['é']]);
  });
});

describe('flags', () => {
  it('(?i) folds ASCII letters only; (?iu) folds Unicode', () => {
    assert.equal(javaMatches('ABC', '(?i)abc'), true);
    assert.equal(javaMatches('É', '(?i)é'), false);
    assert.equal(javaMatches('É', '(?iu)é'), true);
    assert.equal(javaMatches('ABC', '(?i)[a-c]+'), true);
  });
  it('an inline flag lasts to the end of its group, across alternatives; (?-i) and (?i:..) scope it', () => {
    assert.equal(javaMatches('aBC', 'a(?i)bc'), true);
    assert.equal(javaMatches('aBC', 'A(?i)bc'), false);
    assert.deepEqual(findAll('(?:a(?i)b|c)d', 'abd aBd cd Cd aBD').map((m) => m[0]), ['abd', 'aBd', 'cd', 'Cd']);
    assert.deepEqual(findAll('(a(?i)b)c', 'aBc aBC').map((m) => m[0]), ['aBc']);
    assert.equal(javaMatches('Ab', '(?i)a(?-i)b'), true);
    assert.equal(javaMatches('AB', '(?i)a(?-i)b'), false);
    assert.equal(javaMatches('AB', '(?i:a)b'), false);
  });
  it('(?s) lets . match line terminators; (?m) makes ^ and $ work per line; (?x) ignores spaces and #comments', () => {
    assert.equal(javaMatches('a\nb', '.+'), false);
    assert.equal(javaMatches('a\nb', '(?s).+'), true);
    assert.deepEqual(findAll('(?m)^a$', 'a\na\n').length, 2);
    assert.deepEqual(findAll('^a$', 'a\na\n').length, 0);
    assert.deepEqual(findAll('(?x) a b # comment\n c', 'abc'), [['abc']]);
    assert.equal(javaMatches('a b', '(?x)a\\ b'), true);
  });
});

describe('anchors', () => {
  it('$ and \\Z also match before a final line terminator; \\z only at the end', () => {
    assert.deepEqual(findAll('a$', 'aa\n').length, 1);
    assert.deepEqual(findAll('a$', 'aa\r\n').length, 1);
    assert.deepEqual(findAll('a\\Z', 'aa\n').length, 1);
    assert.deepEqual(findAll('a\\z', 'aa\n').length, 0);
  });
  it('\\G is where the previous match ended', () => {
    assert.equal(javaReplaceAll('aaba', '\\Ga', 'x'), 'xxba');
  });
});

describe('escapes', () => {
  it('control characters, octal, hex, Unicode, \\Q..\\E', () => {
    assert.equal(javaMatches('\t\n\r\f\u0007\u001b', '\\t\\n\\r\\f\\a\\e'), true);
    assert.equal(javaMatches('AAAA\u0001', '\\0101\\x41\\u0041\\x{41}\\cA'), true);
    assert.equal(javaMatches('.*.*', '\\Q.*\\E+'), false); // + applies to the last quoted character
    assert.equal(javaMatches('.**', '\\Q.*\\E+'), true);
    assert.equal(javaMatches('x.*', '\\Q.*'), false);
  });
  it('a code point outside the BMP is one character', () => {
    assert.equal(javaMatches('😀', '.'), true);
    assert.equal(javaMatches('😀', '.{2}'), false);
    assert.deepEqual(findAll('\\x{1F600}', 'a😀'), [['😀']]);
  });
});

describe('String.split', () => {
  it('the Pattern.split javadoc table for "boo:and:foo"', () => {
    assert.deepEqual(javaSplit('boo:and:foo', ':', 2), ['boo', 'and:foo']);
    assert.deepEqual(javaSplit('boo:and:foo', ':', 5), ['boo', 'and', 'foo']);
    assert.deepEqual(javaSplit('boo:and:foo', ':', -2), ['boo', 'and', 'foo']);
    assert.deepEqual(javaSplit('boo:and:foo', 'o', 5), ['b', '', ':and:f', '', '']);
    assert.deepEqual(javaSplit('boo:and:foo', 'o', -2), ['b', '', ':and:f', '', '']);
    assert.deepEqual(javaSplit('boo:and:foo', 'o', 0), ['b', '', ':and:f']);
  });
  it('limit 0 drops trailing empty strings; a negative limit keeps them', () => {
    assert.deepEqual(javaSplit('a,b,,', ','), ['a', 'b']);
    assert.deepEqual(javaSplit('a,b,,', ',', -1), ['a', 'b', '', '']);
    assert.deepEqual(javaSplit(',', ','), []);
    assert.deepEqual(javaSplit(',', ',', -1), ['', '']);
  });
  it('a leading empty string comes from a real delimiter, not from a zero-width match at 0', () => {
    assert.deepEqual(javaSplit(',a', ','), ['', 'a']);
    assert.deepEqual(javaSplit('ab', ''), ['a', 'b']);
    assert.deepEqual(javaSplit('Hello World', '(?=[A-Z])'), ['Hello ', 'World']);
    assert.deepEqual(javaSplit(' a  b ', '\\s+'), ['', 'a', 'b']);
  });
  it('no match gives the input itself, even an empty one', () => {
    assert.deepEqual(javaSplit('', ','), ['']);
    assert.deepEqual(javaSplit('abc', 'x'), ['abc']);
    assert.deepEqual(javaSplit('abc', '', 2), ['a', 'bc']);
    assert.deepEqual(javaSplit('a:b:c', ':', 1), ['a:b:c']);
  });
});

describe('replacement strings', () => {
  it('$n, ${name}, $0, and \\ escapes', () => {
    assert.equal(javaReplaceAll('12-34-56', '(\\d+)-(?<mid>\\d+)-(\\d+)', '$3/${mid}/$1'), '56/34/12');
    assert.equal(javaReplaceAll('abc', 'b', '$0$0'), 'abbc');
    assert.equal(javaReplaceAll('abc', 'b', '\\$'), 'a$c');
    assert.equal(javaReplaceAll('abc', 'b', '\\\\'), 'a\\c');
    assert.equal(javaReplaceAll('abc', '(z)?b', '[$1]'), 'a[]c'); // a group that did not take part adds nothing
  });
  it('empty matches are replaced too, one character further each time', () => {
    assert.equal(javaReplaceAll('abc', 'x*', '-'), '-a-b-c-');
    assert.equal(javaReplaceFirst('aaa', 'x*', '-'), '-aaa');
  });
  it('invalid references throw what Java throws, and only when something matched', () => {
    assert.equal(javaError(() => javaReplaceAll('abc', 'b', '$')), 'java.lang.IllegalArgumentException: Illegal group reference: group index is missing');
    assert.equal(javaError(() => javaReplaceAll('abc', 'b', '\\')), 'java.lang.IllegalArgumentException: character to be escaped is missing');
    assert.equal(javaError(() => javaReplaceAll('abc', 'b', '$2')), 'java.lang.IndexOutOfBoundsException: No group 2');
    assert.equal(javaError(() => javaReplaceAll('abc', 'b', '$x')), 'java.lang.IllegalArgumentException: Illegal group reference');
    assert.equal(javaError(() => javaReplaceAll('abc', 'b', '${y}')), 'java.lang.IllegalArgumentException: No group with name {y}');
    assert.equal(javaReplaceAll('abc', 'z', '$'), 'abc');
  });
});

describe('syntax errors', () => {
  it('are PatternSyntaxException with Java\'s description, index and caret', () => {
    assert.equal(javaError(() => javaMatches('a', '*a')), "java.util.regex.PatternSyntaxException: Dangling meta character '*' near index 0\n*a\n^");
    assert.equal(javaError(() => javaMatches('a', '(a')), 'java.util.regex.PatternSyntaxException: Unclosed group near index 2\n(a');
    assert.equal(javaError(() => javaMatches('a', '[a')), 'java.util.regex.PatternSyntaxException: Unclosed character class near index 1\n[a\n ^');
    assert.equal(javaError(() => javaMatches('a', '\\i')), 'java.util.regex.PatternSyntaxException: Illegal/unsupported escape sequence near index 1\n\\i\n ^');
    assert.equal(javaError(() => javaMatches('a', '[z-a]')), 'java.util.regex.PatternSyntaxException: Illegal character range near index 3\n[z-a]\n   ^');
    assert.equal(javaError(() => javaMatches('a', '\\p{Foo}')), 'java.util.regex.PatternSyntaxException: Unknown character property name {Foo} near index 6\n\\p{Foo}\n      ^');
  });
  it('constructs Sluice does not implement say so, as PatternSyntaxException', () => {
    assert.match(javaError(() => javaMatches('a', '\\X')), /^java\.util\.regex\.PatternSyntaxException: \\X \(grapheme clusters\) is not supported/);
    assert.match(javaError(() => javaMatches('a', '(?c)a')), /^java\.util\.regex\.PatternSyntaxException: The CANON_EQ flag \(\?c\) is not supported/);
    assert.match(javaError(() => javaMatches('a', '\\N{LATIN SMALL LETTER A}')), /is not supported/);
    assert.match(javaError(() => javaMatches('a', '\\p{InArmenian}')), /Unicode block \{InArmenian\} is not supported/);
  });
  it('deep nesting is refused as Java refuses it, instead of overflowing the stack', () => {
    assert.equal(javaMatches('a', '('.repeat(500) + 'a' + ')'.repeat(500)), true);
    assert.match(javaError(() => javaMatches('a', '('.repeat(5000) + 'a' + ')'.repeat(5000))), /Stack overflow during pattern compilation/);
    assert.match(javaError(() => javaMatches('a', '['.repeat(5000) + 'a' + ']'.repeat(5000))), /Stack overflow during pattern compilation/);
  });
});
