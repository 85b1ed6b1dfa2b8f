/** Sluice's own endpoints under /_sluice/ (health, later the console). */
import type { Service, SluiceResponse } from './types.js';

export interface DeployedApi {
  readonly id: string;
  readonly name: string;
  readonly stage: string;
  readonly invokeUrl: string;
}

export interface HealthSource {
  readonly version: string;
  deployedApis(): readonly DeployedApi[];
}

const json = (status: number, value: unknown): SluiceResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(value)),
});

export function createInternalService(source: HealthSource): Service {
  return {
    name: 'sluice',
    matches: (req) => req.path.startsWith('/_sluice/'),
    async handle(req) {
      if (req.path === '/_sluice/health' && (req.method === 'GET' || req.method === 'HEAD')) {
        return json(200, { status: 'ok', version: source.version, apis: source.deployedApis() });
      }
      return json(404, { message: `Not found: ${req.path}` });
    },
  };
}
