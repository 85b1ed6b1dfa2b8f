/**
 * `sluice lint`: checks every mapping template of an OpenAPI 3.0 / Swagger 2.0 definition with
 * API Gateway extensions, before deployment, and says exactly where each problem is.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { Expr, Node } from './ast.js';
import { VtlSyntaxError, lineColumn } from './errors.js';
import { compileJsonPath, JsonPathError } from './jsonpath.js';
import { parseTemplate } from './parser.js';
import { UTIL_FUNCTION_NAMES } from './util.js';

export interface LintProblem {
  severity: 'error' | 'warning';
  /** API resource path (`/streams/{stream-name}`), `x-amazon-apigateway-gateway-responses`, or the file. */
  path: string;
  /** HTTP method in upper case; absent for gateway responses. */
  method?: string;
  kind: 'request' | 'response' | 'gateway-response' | 'document';
  /** Integration response status pattern (`default`, `4\d{2}`), or the gateway response type. */
  status?: string;
  contentType: string;
  line: number;
  column: number;
  message: string;
  /** The template line the problem is on. */
  excerpt?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method'];
const INPUT_METHODS = new Set(['path', 'json', 'params', 'body']);
const MAX_TEMPLATE_BYTES = 300 * 1024;

type Where = Omit<LintProblem, 'severity' | 'line' | 'column' | 'message' | 'excerpt'>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function lintApiDefinition(doc: unknown): LintProblem[] {
  const problems: LintProblem[] = [];
  if (!isObject(doc)) {
    problems.push({ severity: 'error', path: '', kind: 'document', contentType: '', line: 1, column: 1, message: 'The API definition is not an object' });
    return problems;
  }
  const paths = isObject(doc['paths']) ? doc['paths'] : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const [methodKey, op] of Object.entries(item)) {
      if (!METHODS.includes(methodKey.toLowerCase()) || !isObject(op)) continue;
      const integration = op['x-amazon-apigateway-integration'];
      if (!isObject(integration)) continue;
      const method = methodKey === 'x-amazon-apigateway-any-method' ? 'ANY' : methodKey.toUpperCase();
      lintTemplates(integration['requestTemplates'], { path, method, kind: 'request', contentType: '' }, problems);
      const responses = integration['responses'];
      if (isObject(responses)) {
        for (const [status, response] of Object.entries(responses)) {
          if (isObject(response)) lintTemplates(response['responseTemplates'], { path, method, kind: 'response', status, contentType: '' }, problems);
        }
      }
    }
  }
  const gatewayResponses = doc['x-amazon-apigateway-gateway-responses'];
  if (isObject(gatewayResponses)) {
    for (const [type, response] of Object.entries(gatewayResponses)) {
      if (isObject(response)) {
        lintTemplates(response['responseTemplates'], { path: 'x-amazon-apigateway-gateway-responses', kind: 'gateway-response', status: type, contentType: '' }, problems);
      }
    }
  }
  return problems;
}

function lintTemplates(templates: unknown, where: Where, problems: LintProblem[]): void {
  if (templates === undefined || templates === null) return;
  if (!isObject(templates)) {
    problems.push({ ...where, severity: 'error', line: 1, column: 1, message: 'Templates must be a map from content type to template text' });
    return;
  }
  for (const [contentType, template] of Object.entries(templates)) {
    const at = { ...where, contentType };
    if (typeof template !== 'string') {
      problems.push({ ...at, severity: 'error', line: 1, column: 1, message: 'The template is not a string' });
      continue;
    }
    lintTemplate(template, at, problems);
  }
}

/** Checks one template: size, syntax, then constructs API Gateway does not run or that will fail. */
export function lintTemplate(source: string, where: Where, problems: LintProblem[]): void {
  const report = (severity: 'error' | 'warning', offset: number, message: string): void => {
    const { line, column } = lineColumn(source, offset);
    const lineText = source.split('\n')[line - 1]?.replace(/\r$/, '') ?? '';
    problems.push({ ...where, severity, line, column, message, excerpt: lineText });
  };
  const size = Buffer.byteLength(source, 'utf8');
  if (size > MAX_TEMPLATE_BYTES) report('error', 0, `Template is ${size} bytes; API Gateway allows at most 300 KB`);
  let body: Node[];
  try {
    body = parseTemplate(source).body;
  } catch (e) {
    if (!(e instanceof VtlSyntaxError)) throw e;
    problems.push({ ...where, severity: 'error', line: e.line, column: e.column, message: e.reason, excerpt: e.excerpt });
    return;
  }
  if (where.kind === 'gateway-response' && body.some((n) => n.kind !== 'text' && n.kind !== 'ref')) {
    report('warning', 0, 'Gateway response templates are not VTL: API Gateway only substitutes $context, $stageVariables and method.request values, so directives are printed as text');
  }
  walk(body, (offset, severity, message) => report(severity, offset, message));
  for (const { name, at } of unsetVariables(body)) {
    report('warning', at, `$${name} is never set in this template (it is not a loop variable, #set or API Gateway variable), so it renders as empty text`);
  }
}

/** Variables a template can read without setting them first. `$null` is the usual idiom for null. */
const PREDEFINED = new Set(['input', 'util', 'context', 'stageVariables', 'foreach', 'velocityCount', 'velocityHasNext', 'null']);

/** First use of each variable that nothing in the template assigns (e.g. `$elem` outside its #foreach). */
function unsetVariables(body: Node[]): { name: string; at: number }[] {
  const assigned = new Set<string>(PREDEFINED);
  const used = new Map<string, number>();
  const visitExpr = (e: Expr): void => {
    switch (e.kind) {
      case 'ref':
        if (!used.has(e.name)) used.set(e.name, e.at);
        for (const s of e.path) {
          if (s.kind === 'call') s.args.forEach(visitExpr);
          else if (s.kind === 'index') visitExpr(s.index);
        }
        break;
      case 'istring': visit(e.parts); break;
      case 'list': e.items.forEach(visitExpr); break;
      case 'map': e.entries.forEach((x) => { visitExpr(x.key); visitExpr(x.value); }); break;
      case 'range': visitExpr(e.from); visitExpr(e.to); break;
      case 'binary': visitExpr(e.left); visitExpr(e.right); break;
      case 'unary': visitExpr(e.operand); break;
      default: break;
    }
  };
  const visit = (nodes: Node[]): void => {
    for (const n of nodes) {
      switch (n.kind) {
        case 'ref': visitExpr(n.ref); break;
        case 'set':
          if (n.target.path.length === 0) assigned.add(n.target.name);
          else visitExpr(n.target);
          visitExpr(n.value);
          break;
        case 'if':
          for (const b of n.branches) {
            visitExpr(b.cond);
            visit(b.body);
          }
          if (n.otherwise) visit(n.otherwise);
          break;
        case 'foreach': assigned.add(n.variable); visitExpr(n.iterable); visit(n.body); break;
        case 'define': assigned.add(n.name); visit(n.body); break;
        default: break;
      }
    }
  };
  visit(body);
  return [...used].filter(([name]) => !assigned.has(name)).map(([name, at]) => ({ name, at }));
}

type Reporter = (offset: number, severity: 'error' | 'warning', message: string) => void;

function walk(nodes: Node[], report: Reporter): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'ref': expr(n.ref, report); break;
      case 'set': expr(n.target, report); expr(n.value, report); break;
      case 'if':
        for (const b of n.branches) {
          expr(b.cond, report);
          walk(b.body, report);
        }
        if (n.otherwise) walk(n.otherwise, report);
        break;
      case 'foreach': expr(n.iterable, report); walk(n.body, report); break;
      case 'define': walk(n.body, report); break;
      case 'unsupported':
        if (n.isDefinition) report(n.at, 'warning', 'API Gateway does not support #macro: the definition is ignored and calls to it are printed as text');
        else if (n.name === 'evaluate' || n.name === 'parse' || n.name === 'include') report(n.at, 'warning', `API Gateway does not support #${n.name}: it is printed as text`);
        else report(n.at, 'warning', `#${n.name}(...) is not a directive API Gateway knows (macros are not supported): it is printed as text`);
        break;
      default: break;
    }
  }
}

function expr(e: Expr, report: Reporter): void {
  switch (e.kind) {
    case 'ref': {
      const first = e.path[0];
      if (first?.kind === 'call' && e.name === 'util' && !UTIL_FUNCTION_NAMES.includes(first.name)) {
        report(first.at, 'error', `$util.${first.name}() does not exist in API Gateway (available: ${UTIL_FUNCTION_NAMES.join(', ')}); it renders as empty text`);
      }
      if (first && first.kind !== 'index' && e.name === 'input' && !INPUT_METHODS.has(first.name)) {
        report(first.at, 'warning', `$input.${first.name} is not an API Gateway $input member (body, json(), path(), params()); it renders as empty text`);
      }
      if (first?.kind === 'call' && e.name === 'input' && (first.name === 'path' || first.name === 'json')) {
        const a = first.args[0];
        if (a?.kind === 'string') {
          try {
            compileJsonPath(a.value);
          } catch (err) {
            if (err instanceof JsonPathError) report(a.at, 'error', err.message);
            else throw err;
          }
        }
      }
      for (const s of e.path) {
        if (s.kind === 'call') s.args.forEach((x) => expr(x, report));
        else if (s.kind === 'index') expr(s.index, report);
      }
      break;
    }
    case 'istring': walk(e.parts, report); break;
    case 'list': e.items.forEach((i) => expr(i, report)); break;
    case 'map': e.entries.forEach((x) => { expr(x.key, report); expr(x.value, report); }); break;
    case 'range': expr(e.from, report); expr(e.to, report); break;
    case 'binary': expr(e.left, report); expr(e.right, report); break;
    case 'unary': expr(e.operand, report); break;
    default: break;
  }
}

/** Lints a definition file: JSON, or YAML (anything that is not `.json`). */
export async function lintFile(path: string): Promise<LintProblem[]> {
  const text = await readFile(path, 'utf8');
  let doc: unknown;
  try {
    doc = path.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    return [{ severity: 'error', path, kind: 'document', contentType: '', line: 1, column: 1, message: `Cannot parse the file: ${(e as Error).message}` }];
  }
  return lintApiDefinition(doc);
}

/** Human-readable report, one problem per block, with a summary line. */
export function formatProblems(problems: LintProblem[]): string {
  if (problems.length === 0) return 'No problems found.';
  const lines: string[] = [];
  for (const p of problems) {
    const where = [p.method, p.path].filter(Boolean).join(' ');
    const what = p.kind === 'document' ? '' : ` ${p.kind}${p.status !== undefined ? ` ${p.status}` : ''} template${p.contentType ? ` [${p.contentType}]` : ''}`;
    lines.push(`${p.severity}: ${where}${what} ${p.line}:${p.column}: ${p.message}`);
    if (p.excerpt !== undefined) {
      lines.push(`    ${p.excerpt}`);
      lines.push(`    ${' '.repeat(Math.max(0, p.column - 1))}^`);
    }
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  lines.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return lines.join('\n');
}
