/** Sluice's own endpoints under /_sluice/ (health and the web console). */
import { CONSOLE_PATH, createConsoleHandler } from '../console/server.js';
import type { Service, SluiceResponse } from './types.js';

export interface DeployedApi {
  readonly id: string;
  readonly name: string;
  readonly stage: string;
  readonly invokeUrl: string;
  /** Methods anyone who can reach the port may call ("GET /streams"). */
  readonly openMethods: readonly string[];
}

export interface HealthSource {
  readonly version: string;
  deployedApis(): readonly DeployedApi[];
  /** Where the built console lives (default dist/console/). */
  readonly consoleDir?: string;
  /** The Prometheus exposition of CloudWatch's metrics (/_sluice/metrics). */
  readonly metrics?: () => Promise<{ readonly contentType: string; readonly text: string }>;
  /** The store in use and whether this node can serve (false: health answers 503). */
  readonly store?: () => Promise<{ readonly ok: boolean; readonly [detail: string]: unknown }>;
}

const json = (status: number, value: unknown): SluiceResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(value)),
});

export function createInternalService(source: HealthSource): Service {
  const serveConsole = createConsoleHandler(source.consoleDir);
  return {
    name: 'sluice',
    matches: (req) => req.path.startsWith('/_sluice/'),
    async handle(req) {
      if (req.path === '/_sluice/health' && (req.method === 'GET' || req.method === 'HEAD')) {
        const consoleUrl = req.headers.host ? `${req.scheme}://${req.headers.host}${CONSOLE_PATH}` : CONSOLE_PATH;
        const store = source.store ? await source.store() : undefined;
        const ok = store?.ok ?? true;
        const { ok: _ok, ...storeDetails } = store ?? { ok: true };
        return json(ok ? 200 : 503, {
          status: ok ? 'ok' : 'unavailable',
          version: source.version,
          consoleUrl,
          apis: source.deployedApis(),
          ...(store ? { store: storeDetails } : {}),
        });
      }
      if (req.path === '/_sluice/metrics' && source.metrics && (req.method === 'GET' || req.method === 'HEAD')) {
        const m = await source.metrics();
        return { status: 200, headers: { 'content-type': m.contentType }, body: Buffer.from(m.text) };
      }
      if (req.path === '/_sluice/console' || req.path.startsWith(CONSOLE_PATH)) return serveConsole(req);
      return json(404, { message: `Not found: ${req.path}` });
    },
  };
}
