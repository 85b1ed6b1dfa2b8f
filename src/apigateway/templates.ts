/**
 * Compiling mapping templates through the VTL engine, once per distinct
 * source. The cache is shared by import (which compiles to surface errors) and
 * deployment (which keeps the compiled form), so nothing is parsed per request.
 */
import { compileTemplate, type CompiledTemplate } from '../vtl/index.js';

export type { CompiledTemplate };

export class TemplateCompileError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(message);
  }
}

export class TemplateCache {
  private readonly compiled = new Map<string, CompiledTemplate>();

  /** Throws TemplateCompileError with the location reported by the VTL parser. */
  compile(source: string): CompiledTemplate {
    let t = this.compiled.get(source);
    if (!t) {
      try {
        t = compileTemplate(source);
      } catch (err) {
        throw describeCompileError(err);
      }
      this.compiled.set(source, t);
    }
    return t;
  }

  get size(): number {
    return this.compiled.size;
  }
}

function describeCompileError(err: unknown): TemplateCompileError {
  const e = err as { message?: string; reason?: string; line?: number; column?: number; excerpt?: string };
  const line = typeof e.line === 'number' ? e.line : undefined;
  const column = typeof e.column === 'number' ? e.column : undefined;
  const where = line !== undefined ? ` at line ${line}, column ${column ?? 0}` : '';
  const excerpt = e.excerpt ? ` near "${e.excerpt}"` : '';
  const reason = line !== undefined && e.reason ? e.reason : (e.message ?? String(err));
  return new TemplateCompileError(`Invalid mapping template${where}${excerpt}: ${reason}`, line, column);
}
