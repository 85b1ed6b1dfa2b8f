/**
 * Sluice's own log: leveled records, written either as text for a person
 * reading a terminal or as one JSON object a line for a log pipeline.
 *
 * Every record has a type: `log` (a message: start-up, warnings, errors),
 * `startup` (the banner), `request` (--log-requests), `access` (a stage's
 * access log) and `execution` (an API Gateway execution log). In text format
 * a message prints as it was written, so the banner and warnings read as
 * they always did; the other types bring their own text.
 */

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** What modules that log plain lines are handed: a line, at `info` unless they say otherwise. */
export type LogFn = (line: string, level?: LogLevel) => void;

/** A record as the JSON format writes it: time and level first, then the type and the record's own fields. */
export interface LogRecord {
  /** ISO 8601, UTC, milliseconds. */
  readonly time: string;
  readonly level: LogLevel;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** Receives each line that passed the level filter, formatted, with the record it came from. */
export type LogSink = (line: string, record: LogRecord) => void;

export interface Logger {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Whether a record at `level` would be written (false for every level when there is no sink). */
  enabled(level: LogLevel): boolean;
  /** A message: the text itself in text format, `msg` in JSON. */
  message(level: LogLevel, text: string, type?: string): void;
  /** A record with fields of its own; `text` is how it reads in text format (given the record's time, when it shows it). */
  record(level: LogLevel, type: string, fields: Readonly<Record<string, unknown>>, text: string | ((time: string) => string)): void;
  /** `(line, level = 'info')`, for code that logs plain lines. */
  readonly line: LogFn;
  error(text: string): void;
  warn(text: string): void;
  info(text: string): void;
  debug(text: string): void;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  /** Absent: nothing is logged, and `enabled` says so, so callers can skip building records. */
  readonly sink?: LogSink;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? 'text';
  const sink = options.sink;
  const enabled = (l: LogLevel): boolean => sink !== undefined && RANK[l] <= RANK[level];

  const record: Logger['record'] = (l, type, fields, text) => {
    if (!enabled(l)) return;
    const time = new Date().toISOString();
    const rec: LogRecord = { time, level: l, type, ...fields };
    sink!(format === 'json' ? JSON.stringify(rec) : typeof text === 'string' ? text : text(time), rec);
  };
  const message = (l: LogLevel, text: string, type = 'log'): void => record(l, type, { msg: text }, text);

  return {
    level,
    format,
    enabled,
    message,
    record,
    line: (text, l = 'info') => message(l, text),
    error: (text) => message('error', text),
    warn: (text) => message('warn', text),
    info: (text) => message('info', text),
    debug: (text) => message('debug', text),
  };
}

/** A logger that writes nothing. */
export const silentLogger: Logger = createLogger();
