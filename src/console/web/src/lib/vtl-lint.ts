/**
 * Mapping-template checks as you type, with Sluice's own VTL engine bundled into the page:
 * the same linter as `sluice lint` (syntax with line:column, then API Gateway pitfalls),
 * then the compiler, which is what the gateway runs on deploy.
 */
import { VtlSyntaxError } from '../../../../vtl/errors.js';
import { compileToFunction } from '../../../../vtl/compiler.js';
import { lintTemplate, type LintProblem } from '../../../../vtl/lint.js';
import { parseTemplate } from '../../../../vtl/parser.js';

// The linter measures template size with Buffer.byteLength; the browser has TextEncoder.
const g = globalThis as { Buffer?: unknown };
if (g.Buffer === undefined) {
  const encoder = new TextEncoder();
  g.Buffer = { byteLength: (text: string) => encoder.encode(text).length };
}

export interface TemplateProblem {
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly excerpt?: string;
}

export type TemplateKind = 'request' | 'response';

export function lintMappingTemplate(source: string, kind: TemplateKind = 'request'): TemplateProblem[] {
  const found: LintProblem[] = [];
  try {
    lintTemplate(source, { path: '', kind, contentType: '' }, found);
  } catch (e) {
    return [{ severity: 'error', line: 1, column: 1, message: `The linter failed: ${(e as Error).message}` }];
  }
  const problems: TemplateProblem[] = found.map((p) => ({
    severity: p.severity,
    line: p.line,
    column: p.column,
    message: p.message,
    ...(p.excerpt !== undefined ? { excerpt: p.excerpt } : {}),
  }));
  if (!problems.some((p) => p.severity === 'error')) {
    try {
      compileToFunction(parseTemplate(source));
    } catch (e) {
      if (e instanceof VtlSyntaxError) {
        problems.unshift({ severity: 'error', line: e.line, column: e.column, message: e.reason, excerpt: e.excerpt });
      }
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}
