/**
 * Choosing a mapping template. Requests select by Content-Type (default
 * application/json) and fall back according to the passthrough behavior;
 * responses select by the first Accept type, then the first template.
 */
import type { PassthroughBehavior } from './model.js';

/** The MIME type alone, lower-cased ("application/json; charset=utf-8" → "application/json"). */
export function mediaType(header: string | undefined, fallback = 'application/json'): string {
  if (!header) return fallback;
  const semi = header.indexOf(';');
  const t = (semi >= 0 ? header.slice(0, semi) : header).trim().toLowerCase();
  return t || fallback;
}

/** Only the first of several Accept types is honoured, as in API Gateway. */
export function firstAccept(header: string | undefined): string {
  if (!header) return 'application/json';
  const comma = header.indexOf(',');
  return mediaType(comma >= 0 ? header.slice(0, comma) : header);
}

export type RequestTemplateChoice<T> =
  | { readonly kind: 'template'; readonly contentType: string; readonly template: T }
  | { readonly kind: 'passthrough' }
  | { readonly kind: 'unsupported' };

export function selectRequestTemplate<T>(
  templates: ReadonlyMap<string, T>,
  contentType: string,
  behavior: PassthroughBehavior,
): RequestTemplateChoice<T> {
  const exact = templates.get(contentType);
  if (exact !== undefined) return { kind: 'template', contentType, template: exact };
  if (templates.size === 0) return behavior === 'NEVER' ? { kind: 'unsupported' } : { kind: 'passthrough' };
  return behavior === 'WHEN_NO_MATCH' ? { kind: 'passthrough' } : { kind: 'unsupported' };
}

export function selectResponseTemplate<T>(
  templates: ReadonlyMap<string, T>,
  accept: string,
): { contentType: string; template: T } | undefined {
  const exact = templates.get(accept);
  if (exact !== undefined) return { contentType: accept, template: exact };
  for (const [contentType, template] of templates) return { contentType, template };
  return undefined;
}

/** `image/png` against binaryMediaTypes entries such as `image/*` or `*\/*`. */
export function isBinaryMediaType(type: string, binaryMediaTypes: readonly string[]): boolean {
  if (binaryMediaTypes.length === 0) return false;
  const [major] = type.split('/');
  for (const raw of binaryMediaTypes) {
    const b = raw.toLowerCase();
    if (b === type || b === '*/*' || (b.endsWith('/*') && b.slice(0, -2) === major)) return true;
  }
  return false;
}
