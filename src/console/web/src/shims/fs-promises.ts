/** Stands in for node:fs/promises in the browser build: the console never reads files from disk. */
export function readFile(path: string): Promise<never> {
  return Promise.reject(new Error(`The console cannot read ${path} from disk`));
}
