/** The little XML the Query protocol writes: escaped text in nested elements. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Text content: only what XML requires (AWS leaves quotes as they are). */
export const escapeXml = (s: string): string => s.replace(/[&<>]/g, (c) => ENTITIES[c]!);

/** Attribute values (double-quoted). */
export const escapeAttribute = (s: string): string => s.replace(/[&<>"]/g, (c) => ENTITIES[c]!);

export const element = (name: string, inner: string, attrs = ''): string => `<${name}${attrs}>${inner}</${name}>`;

/** A leaf element with escaped text. */
export const textElement = (name: string, text: string): string => element(name, escapeXml(text));
