/**
 * A stage's access log line (accessLogSettings.format) for one invocation,
 * rendered as API Gateway renders it: each `$context.<name>` is replaced by
 * its value as plain text (nothing is quoted or escaped: a JSON or XML format
 * quotes for itself), and a variable without a value (unknown, not
 * applicable to this request, or empty) renders as `-`. Only `$context`
 * variables are substituted; anything else is kept as written.
 */

const VARIABLE = /\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g;

/** Access-log-only names for values the runtime keeps under their older names. */
const ALIASES: Readonly<Record<string, string>> = {
  'integration.latency': 'integrationLatency',
  'integration.status': 'integrationStatus',
  'integration.integrationStatus': 'integrationStatus',
  'integration.error': 'integrationErrorMessage',
  'integration.requestId': 'awsEndpointRequestId',
};

export function renderAccessLog(format: string, context: Readonly<Record<string, unknown>>): string {
  const line = format.replace(VARIABLE, (_whole, name: string) => text(lookup(context, ALIASES[name] ?? name)));
  // The format may end in a newline to end each entry with one; lines are written one per line anyway.
  return line.replace(/[\r\n]+$/, '');
}

function lookup(context: Readonly<Record<string, unknown>>, name: string): unknown {
  let v: unknown = context;
  for (const part of name.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function text(v: unknown): string {
  if (typeof v === 'string') return v === '' ? '-' : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '-';
  if (typeof v === 'boolean') return String(v);
  return '-';
}
