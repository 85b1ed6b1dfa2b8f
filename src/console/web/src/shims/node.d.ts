/**
 * The little of Node that src/vtl mentions, for type-checking it inside the browser build.
 * At run time the console provides `Buffer.byteLength` (see lib/vtl-lint.ts) and aliases
 * node:fs/promises to shims/fs-promises.ts; nothing else is called while linting.
 */
declare const Buffer: {
  byteLength(text: string, encoding?: string): number;
  from(value: string | ArrayLike<number>, encoding?: string): Uint8Array & { toString(encoding?: string): string };
};
declare module 'node:fs/promises' {
  export function readFile(path: string, encoding?: string): Promise<string>;
}
