/**
 * The API's resources as a tree (WAI-ARIA tree pattern): each resource with its methods under it.
 * Up/Down move between items, Home/End jump, Enter or Space opens the item.
 */
import type { ComponentChildren, JSX } from 'preact';
import type { Resource } from '../clients/apigateway.js';
import { href, navigate } from '../router.js';

interface Node {
  resource: Resource;
  children: Node[];
}

const VERB_ORDER = ['ANY', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function buildTree(resources: readonly Resource[]): Node | undefined {
  const nodes = new Map(resources.map((r) => [r.id, { resource: r, children: [] as Node[] }]));
  let root: Node | undefined;
  for (const n of nodes.values()) {
    const parent = n.resource.parentId ? nodes.get(n.resource.parentId) : undefined;
    if (parent) parent.children.push(n);
    else if (n.resource.path === '/' || !root) root = n;
  }
  for (const n of nodes.values()) n.children.sort((a, b) => a.resource.path.localeCompare(b.resource.path));
  return root;
}

export function sortedVerbs(r: Resource): string[] {
  return Object.keys(r.resourceMethods ?? {}).sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
}

export function ResourceTree({ apiId, resources, selectedResource, selectedVerb }: { apiId: string; resources: readonly Resource[]; selectedResource?: string | undefined; selectedVerb?: string | undefined }) {
  const root = buildTree(resources);
  if (!root) return <p class="muted">This API has no resources.</p>;
  const isSelected = (rid: string, verb?: string): boolean => rid === selectedResource && verb === selectedVerb;
  const anySelected = resources.some((r) => r.id === selectedResource);

  const onKeyDown = (e: KeyboardEvent): void => {
    const items = Array.from((e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role="treeitem"]'));
    const i = items.indexOf(document.activeElement as HTMLElement);
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(items.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    else if ((e.key === 'Enter' || e.key === ' ') && i >= 0) {
      e.preventDefault();
      items[i]!.click();
      return;
    }
    if (next < 0) return;
    e.preventDefault();
    items.forEach((el, j) => (el.tabIndex = j === next ? 0 : -1));
    items[next]!.focus();
  };

  const item = (label: ComponentChildren, rid: string, verb: string | undefined, level: number, extraClass: string, focusable: boolean) => {
    const to = verb ? href('apis', apiId, 'resources', rid, verb) : href('apis', apiId, 'resources', rid);
    return (
      <div
        role="treeitem"
        aria-level={level}
        aria-selected={isSelected(rid, verb)}
        tabIndex={focusable ? 0 : -1}
        class={`tree-item ${extraClass}${isSelected(rid, verb) ? ' selected' : ''}`}
        style={{ paddingLeft: `${0.5 + (level - 1) * 1.1}rem` }}
        data-href={to}
        onClick={() => navigate(to)}
      >
        {label}
      </div>
    );
  };

  const render = (n: Node, level: number): JSX.Element => {
    const r = n.resource;
    const focusable = anySelected ? isSelected(r.id, undefined) : r.id === root.resource.id;
    return (
      <div role="none" key={r.id}>
        {item(<span class="path">{r.path === '/' ? '/' : `/${r.pathPart ?? r.path.split('/').pop()}`}</span>, r.id, undefined, level, 'resource', focusable)}
        <div role="group">
          {sortedVerbs(r).map((verb) =>
            item(
              <span class={`verb verb-${verb.toLowerCase()}`}>{verb}</span>,
              r.id,
              verb,
              level + 1,
              'method',
              isSelected(r.id, verb),
            ),
          )}
          {n.children.map((c) => render(c, level + 1))}
        </div>
      </div>
    );
  };

  return (
    <div role="tree" aria-label="Resources and methods" class="tree" onKeyDown={onKeyDown}>
      {render(root, 1)}
    </div>
  );
}
