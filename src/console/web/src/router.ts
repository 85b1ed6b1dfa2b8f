/**
 * A small history router under the console's base path (/_sluice/console/). Pages are plain paths
 * like `apis/a1b2c3/resources/xyz/GET`; the server answers any of them with index.html.
 */
import { useEffect, useState } from 'preact/hooks';

export const BASE = import.meta.env.BASE_URL; // '/_sluice/console/'

export interface Route {
  /** Path below the base, without leading or trailing slashes. */
  readonly path: string;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
}

function current(): Route {
  const full = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const path = full.replace(/^\/+|\/+$/g, '');
  return {
    path,
    segments: path === '' ? [] : path.split('/').map((s) => decodeURIComponent(s)),
    query: new URLSearchParams(location.search),
  };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

/** The console URL of a page: href('apis', id) → /_sluice/console/apis/{id}. */
export function href(...segments: string[]): string {
  return BASE + segments.map((s) => encodeURIComponent(s)).join('/');
}

export function navigate(to: string, replace = false): void {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((l) => l());
  if (!replace) window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = (): void => setRoute(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return route;
}
