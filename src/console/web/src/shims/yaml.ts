/** Stands in for the yaml package in the browser build: src/vtl/lint.ts parses YAML only when reading files (lintFile), which the console never does. */
export function parse(): never {
  throw new Error('YAML parsing is not bundled into the console');
}
