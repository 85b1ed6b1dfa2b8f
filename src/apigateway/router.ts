/**
 * Resource routing as API Gateway does it: literal path parts win over a
 * `{param}` part, which wins over a greedy `{proxy+}` (one or more parts).
 * A method not defined on the matched resource falls back to ANY.
 */
import type { Resource } from './model.js';

interface Node {
  resource: Resource | undefined;
  literals: Map<string, Node>;
  variable: { name: string; node: Node } | undefined;
  greedy: { name: string; node: Node } | undefined;
}

export interface RouteMatch {
  readonly resource: Resource;
  /** Decoded path parameter values. */
  readonly pathParams: Record<string, string>;
}

function newNode(resource?: Resource): Node {
  return { resource, literals: new Map(), variable: undefined, greedy: undefined };
}

export class Router {
  private readonly root: Node = newNode();

  constructor(resources: Iterable<Resource>) {
    for (const r of resources) this.add(r);
  }

  private add(resource: Resource): void {
    let node = this.root;
    for (const part of resource.path.split('/').filter((p) => p !== '')) {
      if (part.startsWith('{') && part.endsWith('+}')) {
        node.greedy ??= { name: part.slice(1, -2), node: newNode() };
        node = node.greedy.node;
      } else if (part.startsWith('{') && part.endsWith('}')) {
        node.variable ??= { name: part.slice(1, -1), node: newNode() };
        node = node.variable.node;
      } else {
        let next = node.literals.get(part);
        if (!next) node.literals.set(part, (next = newNode()));
        node = next;
      }
    }
    node.resource = resource;
  }

  /** `path` is the resource path after the stage, still percent-encoded ("/streams/a%20b"). */
  match(path: string): RouteMatch | undefined {
    const segments = path.split('/').filter((s) => s !== '');
    const params: Record<string, string> = {};
    const resource = this.walk(this.root, segments, 0, params);
    return resource ? { resource, pathParams: params } : undefined;
  }

  private walk(node: Node, segs: string[], i: number, params: Record<string, string>): Resource | undefined {
    if (i === segs.length) return node.resource;
    const seg = segs[i]!;
    const decoded = safeDecode(seg);
    const literal = node.literals.get(decoded);
    if (literal) {
      const r = this.walk(literal, segs, i + 1, params);
      if (r) return r;
    }
    if (node.variable) {
      const r = this.walk(node.variable.node, segs, i + 1, params);
      if (r) {
        params[node.variable.name] = decoded;
        return r;
      }
    }
    if (node.greedy?.node.resource) {
      params[node.greedy.name] = segs.slice(i).map(safeDecode).join('/');
      return node.greedy.node.resource;
    }
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
