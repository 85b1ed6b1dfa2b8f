/**
 * A small JSONPath evaluator for parameter mappings (`method.request.body.a.b[0]`
 * and `integration.response.body.x`): dot and bracket members, indexes
 * (negative too), `*` and `..` (recursive descent). Templates use the VTL
 * engine's own `$input.path`; this one only serves the mapping expressions.
 */

type Step =
  | { kind: 'member'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'descend'; name: string | null };

export class JsonPathError extends Error {}

/** Parses `$.a.b[0]['c-d']`, `$..x`, `a.b` (the leading `$` is optional). */
export function parseJsonPath(path: string): Step[] {
  let i = 0;
  const s = path.trim();
  if (s.startsWith('$')) i = 1;
  const steps: Step[] = [];
  const ident = (): string => {
    const start = i;
    while (i < s.length && !'.[ '.includes(s[i]!)) i++;
    return s.slice(start, i);
  };
  let first = i === 0; // a path without "$" starts with a bare member name
  while (i < s.length) {
    if (first) {
      first = false;
      const name = ident();
      if (!name) throw new JsonPathError(`Invalid JSONPath: ${path}`);
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'member', name });
      continue;
    }
    const c = s[i]!;
    if (c === '.') {
      if (s[i + 1] === '.') {
        i += 2;
        const name = ident();
        steps.push({ kind: 'descend', name: name === '*' || name === '' ? null : name });
        continue;
      }
      i++;
      const name = ident();
      if (!name) throw new JsonPathError(`Invalid JSONPath: ${path}`);
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'member', name });
    } else if (c === '[') {
      const close = findClose(s, i);
      const inner = s.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'member', name: inner.slice(1, -1) });
      else throw new JsonPathError(`Invalid JSONPath: ${path}`);
    } else {
      throw new JsonPathError(`Invalid JSONPath: ${path}`);
    }
  }
  return steps;
}

function findClose(s: string, open: number): number {
  let quote: string | null = null;
  for (let j = open + 1; j < s.length; j++) {
    const c = s[j]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ']') return j;
  }
  throw new JsonPathError(`Invalid JSONPath: unclosed [ in ${s}`);
}

/**
 * Evaluates compiled steps. A definite path yields its value (undefined when
 * absent); a path with `*` or `..` yields an array of matches.
 */
export function evaluateJsonPath(steps: readonly Step[], root: unknown): unknown {
  let nodes: unknown[] = [root];
  let definite = true;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of nodes) {
      switch (step.kind) {
        case 'member':
          if (isObject(node) && Object.prototype.hasOwnProperty.call(node, step.name)) next.push(node[step.name]);
          break;
        case 'index':
          if (Array.isArray(node)) {
            const idx = step.index < 0 ? node.length + step.index : step.index;
            if (idx >= 0 && idx < node.length) next.push(node[idx]);
          }
          break;
        case 'wildcard':
          definite = false;
          if (Array.isArray(node)) next.push(...node);
          else if (isObject(node)) next.push(...Object.values(node));
          break;
        case 'descend':
          definite = false;
          collect(node, step.name, next);
          break;
      }
    }
    nodes = next;
  }
  return definite ? nodes[0] : nodes;
}

function collect(node: unknown, name: string | null, out: unknown[]): void {
  if (Array.isArray(node)) {
    for (const v of node) {
      if (name === null) out.push(v);
      collect(v, name, out);
    }
  } else if (isObject(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (name === null || k === name) out.push(v);
      collect(v, name, out);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
