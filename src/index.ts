/**
 * Sluice as a library, for tests that start a server of their own:
 *
 *   import { startSluice } from 'sluice';
 *   const sluice = await startSluice();            // any free port, in memory
 *   // ... point AWS clients at sluice.url ...
 *   await sluice.close();
 *
 * Defaults suit a test: a free port on loopback, nothing on disk, streams and
 * consumers ACTIVE at once. Every option of `sluice start` can be given.
 */
import { startSluice as start, type Sluice, type StartOptions } from './server/app.js';
import { defaultConfig, type SluiceConfig } from './server/config.js';

export type { Sluice, SluiceConfig };
export type { LogRecord } from './server/logger.js';

export interface SluiceOptions extends Partial<SluiceConfig> {
  /** Keep state in this directory (it survives close and restart); default: in memory. */
  readonly dataDir?: string;
  /** Where Sluice's log lines go; default: nowhere. */
  readonly log?: StartOptions['log'];
}

/** Starts a server and resolves once it listens; `close()` stops it and closes its storage. */
export function startSluice(options: SluiceOptions = {}): Promise<Sluice> {
  const { log, ...config } = options;
  return start(
    {
      ...defaultConfig,
      port: 0,
      dataDir: undefined,
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      ...config,
    },
    log ? { log } : {},
  );
}
