/** Errors raised by the VTL engine. Both carry enough detail for a person to fix the template. */

/** Position of an offset in a template, 1-based like editors show it. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** The text of the line holding `offset`, shortened around the column if it is long. */
export function excerptAt(source: string, offset: number): string {
  const start = source.lastIndexOf('\n', offset - 1) + 1;
  let end = source.indexOf('\n', offset);
  if (end < 0) end = source.length;
  let text = source.slice(start, end).replace(/\r$/, '');
  const col = offset - start;
  if (text.length > 80) {
    const from = Math.max(0, col - 40);
    text = (from > 0 ? '…' : '') + text.slice(from, from + 80) + (from + 80 < text.length ? '…' : '');
  }
  return text;
}

/** The template text cannot be parsed (or is refused, e.g. too large). */
export class VtlSyntaxError extends Error {
  line: number;
  column: number;
  excerpt: string;
  /** The bare message, without the position prefix (used by the linter). */
  reason: string;
  constructor(reason: string, line: number, column: number, excerpt: string) {
    super(`${reason} at line ${line}, column ${column}: ${excerpt}`);
    this.name = 'VtlSyntaxError';
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.excerpt = excerpt;
  }

  static at(source: string, offset: number, reason: string): VtlSyntaxError {
    const { line, column } = lineColumn(source, offset);
    return new VtlSyntaxError(reason, line, column, excerptAt(source, offset));
  }
}

/**
 * A failure while rendering (a Java method threw, invalid JSON given to $util.parseJson, ...).
 * API Gateway answers such a request with 500 {"message": "Internal server error"}; the message here
 * is meant for the execution log.
 */
export class VtlRenderError extends Error {
  line?: number;
  column?: number;
  constructor(message: string, line?: number, column?: number) {
    super(line !== undefined ? `${message} (template line ${line}, column ${column})` : message);
    this.name = 'VtlRenderError';
    if (line !== undefined) this.line = line;
    if (column !== undefined) this.column = column;
  }
}

/** Thrown by runtime helpers; the compiled template turns it into a VtlRenderError with a position. */
export class JavaException extends Error {
  constructor(javaClass: string, message: string) {
    super(`${javaClass}: ${message}`);
    this.name = 'JavaException';
  }
}

/** Which of a render's budgets ran out (see budget.ts). */
export type BudgetLimit = 'steps' | 'time' | 'output' | 'string' | 'elements' | 'memory';

/**
 * A render stopped because it used up one of its budgets (steps, time, output size, memory).
 * Like any render failure, the gateway answers 500; the message names the limit for the log.
 */
export class VtlBudgetError extends VtlRenderError {
  readonly limit: BudgetLimit;
  /** The message without the template position. */
  readonly reason: string;
  constructor(limit: BudgetLimit, reason: string, line?: number, column?: number) {
    super(reason, line, column);
    this.name = 'VtlBudgetError';
    this.limit = limit;
    this.reason = reason;
  }
}

/**
 * The server cannot take another render now: every renderer thread is busy and the queue is full.
 * Not the template's fault, so not a VtlRenderError; the gateway answers it as throttling (429).
 */
export class VtlOverloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VtlOverloadError';
  }
}
