import type { Method } from '../../clients/apigateway.js';

/** What each box's editor gets: where the method is, its current settings, and a reload. */
export interface EditorProps {
  readonly apiId: string;
  readonly resourceId: string;
  readonly verb: string;
  readonly method: Method;
  readonly onChanged: () => void;
}

export const boolsToStrings = (m: Record<string, boolean> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]));

export const stringsToBools = (m: Record<string, string>): Record<string, boolean> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === 'true']));

/** Templates may come back with null values (a content type with no template). */
export const templates = (m: Record<string, string | null> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v ?? '']));
