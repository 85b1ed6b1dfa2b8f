/**
 * A small, tolerant reader of the Prometheus text exposition format (what GET /_sluice/metrics
 * answers): `name{label="value",...} value [timestamp]` lines, `#` comments. A line it cannot read
 * is skipped and counted rather than failing the whole scrape, so one odd series never blanks
 * every chart. No dependency: the format is small and the bundle stays small.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: Sample[];
  /** Metric family types from `# TYPE` lines (counter, gauge, histogram, summary, untyped). */
  readonly types: ReadonlyMap<string, string>;
  /** Lines that were neither comments nor readable samples. */
  readonly skipped: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Reads Prometheus' number spellings: Go's float syntax plus NaN, +Inf, -Inf. */
export function parseValue(text: string): number | undefined {
  // Prometheus reads the special values without regard to case (Go's ParseFloat), and prom-client
  // writes NaN as `Nan` (a gauge such as the event loop lag mean before its first sample).
  switch (text.toLowerCase()) {
    case 'nan':
      return NaN;
    case '+inf':
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** The label set in `{...}` starting at text[start] === '{'; returns the labels and the index after '}'. */
function readLabels(text: string, start: number): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipSpace = (): void => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name) return undefined;
    i += name.length;
    skipSpace();
    if (text[i] !== '=') return undefined;
    i++;
    skipSpace();
    if (text[i] !== '"') return undefined;
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return undefined;
      i++;
      if (c === '"') break;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const escaped = text[i++];
      if (escaped === 'n') value += '\n';
      else if (escaped === '\\' || escaped === '"') value += escaped;
      else if (escaped === undefined) return undefined;
      else value += `\\${escaped}`; // unknown escapes are kept as written
    }
    labels[name] = value;
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return undefined;
  }
}

/** One sample line, or undefined when it is not one. */
export function parseSampleLine(line: string): Sample | undefined {
  const text = line.trim();
  const name = NAME.exec(text)?.[0];
  if (!name) return undefined;
  let i = name.length;
  let labels: Record<string, string> = {};
  if (text[i] === '{') {
    const read = readLabels(text, i);
    if (!read) return undefined;
    labels = read.labels;
    i = read.end;
  }
  // The value, then an optional timestamp (ignored: the console stamps samples with its own clock).
  const rest = text.slice(i).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === '') return undefined;
  const value = parseValue(rest[0]!);
  if (value === undefined) return undefined;
  return { name, labels, value };
}

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  let skipped = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = parseSampleLine(line);
    if (sample) samples.push(sample);
    else skipped++;
  }
  return { samples, types, skipped };
}
