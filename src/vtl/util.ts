/**
 * `$util`: the helper functions API Gateway offers, with the Java behaviour behind them
 * (Commons Lang escapeJavaScript, java.net.URLEncoder/URLDecoder, UTF-8 base64).
 */
import { JavaException } from './errors.js';
import { JsonSyntaxError, parseJsonText } from './json.js';
import { JObject, NO_METHOD, javaString } from './values.js';

/** StringEscapeUtils.escapeJavaScript: quotes, backslash and `/` escaped; non-ASCII as \uXXXX. */
export function escapeJavaScript(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | null = null;
    if (c < 0x20) {
      switch (c) {
        case 8: rep = '\\b'; break;
        case 9: rep = '\\t'; break;
        case 10: rep = '\\n'; break;
        case 12: rep = '\\f'; break;
        case 13: rep = '\\r'; break;
        default: rep = '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
      }
    } else if (c > 0x7f) {
      rep = '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    } else if (c === 39) rep = "\\'";
    else if (c === 34) rep = '\\"';
    else if (c === 92) rep = '\\\\';
    else if (c === 47) rep = '\\/';
    if (rep !== null) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** java.net.URLEncoder.encode(s, "UTF-8"): letters, digits and `.-*_` kept, space as `+`. */
export function urlEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 42 || c === 95) {
      out += s[i];
    } else if (c === 32) {
      out += '+';
    } else {
      let ch = s[i]!;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          ch += s[i + 1];
          i++;
        } else ch = '?';
      } else if (c >= 0xd800 && c <= 0xdfff) ch = '?'; // lone surrogate: Java's encoder writes '?'
      for (const b of Buffer.from(ch, 'utf8')) out += '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
    }
  }
  return out;
}

/** java.net.URLDecoder.decode(s, "UTF-8"): `+` is a space; a malformed `%` escape is an error. */
export function urlDecode(s: string): string {
  if (s.indexOf('%') < 0) return s.indexOf('+') < 0 ? s : s.replace(/\+/g, ' ');
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '+') {
      out += ' ';
      i++;
    } else if (c === '%') {
      const bytes: number[] = [];
      while (i < s.length && s[i] === '%') {
        const hex = s.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
          throw new JavaException('java.lang.IllegalArgumentException', `URLDecoder: Illegal hex characters in escape (%) pattern - ${hex}`);
        }
        bytes.push(parseInt(hex, 16));
        i += 3;
      }
      out += Buffer.from(bytes).toString('utf8');
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function base64Encode(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

export function base64Decode(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

export function parseJson(s: string): unknown {
  try {
    return parseJsonText(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new JavaException('com.fasterxml.jackson.core.JsonParseException', `$util.parseJson: invalid JSON: ${e.message}`);
    throw e;
  }
}

/** The argument as Java would pass it to a String parameter (maps and lists as their toString). */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : javaString(v);
}

const FUNCTIONS: Record<string, (s: string) => unknown> = {
  escapeJavaScript, urlEncode, urlDecode, base64Encode, base64Decode, parseJson,
};

export const UTIL_FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTIONS);

class Util extends JObject {
  prop(): unknown {
    return undefined;
  }
  call(name: string, args: unknown[]): unknown {
    const f = FUNCTIONS[name];
    if (f === undefined || args.length !== 1) return NO_METHOD;
    const s = text(args[0]);
    return s === null ? undefined : f(s);
  }
  javaString(): string {
    return '$util';
  }
}

/** `$util` holds no state, so every render shares one. */
export const UTIL: JObject = new Util();
