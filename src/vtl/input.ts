/**
 * `$input`: the request (or integration response) payload and the method request parameters.
 * The body is parsed as JSON only when a template calls path()/json(), and at most once per render.
 */
import { JavaException } from './errors.js';
import { JsonSyntaxError, parseJsonText } from './json.js';
import { JsonPathError, evaluateJsonPath } from './jsonpath.js';
import { JObject, NO_METHOD, javaString, jsonSmartString } from './values.js';

export interface InputParams {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
}

const NOT_PARSED: unique symbol = Symbol('notParsed');

export class InputObject extends JObject {
  private doc: unknown = NOT_PARSED;
  /** API Gateway gives templates `{}` for an empty payload. */
  readonly body: string;

  constructor(body: string, private readonly params: InputParams) {
    super();
    this.body = body === '' ? '{}' : body;
  }

  private document(): unknown {
    if (this.doc === NOT_PARSED) {
      try {
        this.doc = parseJsonText(this.body);
      } catch (e) {
        if (e instanceof JsonSyntaxError) throw new JavaException('com.jayway.jsonpath.InvalidJsonException', `the body is not valid JSON: ${e.message}`);
        throw e;
      }
    }
    return this.doc;
  }

  /** Jayway JsonPath read: a definite path gives one value (null when missing), others a list. */
  path(p: string): unknown {
    try {
      return evaluateJsonPath(this.document(), p);
    } catch (e) {
      if (e instanceof JsonPathError) throw new JavaException('com.jayway.jsonpath.InvalidPathException', e.message);
      throw e;
    }
  }

  /** The JSONPath result as compact JSON text. A missing value gives `""` (as LocalStack, validated against AWS, does). */
  json(p: string): string {
    const v = this.path(p);
    return v === undefined ? '""' : jsonSmartString(v);
  }

  /** `$input.params(name)`: path, then query string, then header; "" when absent. */
  param(name: string): string {
    const { path, querystring, header } = this.params;
    if (Object.prototype.hasOwnProperty.call(path, name)) return path[name]!;
    if (Object.prototype.hasOwnProperty.call(querystring, name)) return querystring[name]!;
    if (Object.prototype.hasOwnProperty.call(header, name)) return header[name]!;
    return '';
  }

  /** `$input.params()`: a map of maps, fresh per call so that a template may change it freely. */
  allParams(): Record<string, unknown> {
    return { path: { ...this.params.path }, querystring: { ...this.params.querystring }, header: { ...this.params.header } };
  }

  prop(name: string): unknown {
    if (name === 'body') return this.body;
    return undefined;
  }

  call(name: string, args: unknown[]): unknown {
    switch (name) {
      case 'path':
      case 'json': {
        if (args.length !== 1) return NO_METHOD;
        const p = args[0];
        if (p === null || p === undefined) return undefined;
        const s = typeof p === 'string' ? p : javaString(p);
        return name === 'path' ? this.path(s) : this.json(s);
      }
      case 'params':
        if (args.length === 0) return this.allParams();
        if (args.length === 1) return args[0] === null || args[0] === undefined ? '' : this.param(javaString(args[0]));
        return NO_METHOD;
      case 'getBody':
        return args.length === 0 ? this.body : NO_METHOD;
      default:
        return NO_METHOD;
    }
  }

  javaString(): string {
    return '$input';
  }
}
