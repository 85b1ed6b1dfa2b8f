/**
 * Imports a large OpenAPI definition in a worker thread. Importing is pure
 * (text in, RestApi out) but costs tens of microseconds per path; a
 * definition of thousands of paths would hold the event loop for hundreds of
 * milliseconds and stall every other client. Small definitions (what almost
 * every import is) are imported in place, where a worker would cost more
 * than it saves.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ApiGatewayError, type ControlPlaneErrorType } from './errors.js';
import { importOpenApi, type ImportOptions, type ImportResult } from './import-openapi.js';

/** Definitions at least this long (characters) are imported off the event loop. */
export const OFF_LOOP_IMPORT_CHARS = 256 * 1024;

type WorkerOptions = Omit<ImportOptions, 'templates'>;
type Outcome = { readonly ok: true; readonly result: ImportResult } | { readonly ok: false; readonly type: ControlPlaneErrorType; readonly message: string; readonly details: readonly string[] } | { readonly ok: false; readonly type?: undefined; readonly message: string };

/** importOpenApi, off the event loop for large definitions. Templates are compiled (and errors found) either way. */
export function importOpenApiOffLoop(text: string, options: ImportOptions): Promise<ImportResult> {
  if (text.length < OFF_LOOP_IMPORT_CHARS) return Promise.resolve(importOpenApi(text, options));
  const { templates: _templates, ...plain } = options;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { text, options: plain satisfies WorkerOptions } });
    worker.once('message', (outcome: Outcome) => {
      void worker.terminate();
      if (outcome.ok) resolve(outcome.result);
      else if (outcome.type) reject(new ApiGatewayError(outcome.type, outcome.message, outcome.details));
      else reject(new Error(outcome.message));
    });
    worker.once('error', reject);
  });
}

if (!isMainThread && workerData && typeof (workerData as { text?: unknown }).text === 'string') {
  const { text, options } = workerData as { text: string; options: WorkerOptions };
  let outcome: Outcome;
  try {
    outcome = { ok: true, result: importOpenApi(text, options) };
  } catch (e) {
    outcome = e instanceof ApiGatewayError
      ? { ok: false, type: e.type, message: e.message, details: e.details }
      : { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(outcome);
}
