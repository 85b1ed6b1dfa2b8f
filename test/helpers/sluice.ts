/** Starts real Sluice servers for tests: in-process on a loopback port, or as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSluice as startEmbedded } from '../../src/index.js';
import type { Sluice } from '../../src/server/app.js';
import type { SluiceConfig } from '../../src/server/config.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const cliPath = join(repoRoot, 'dist/src/cli/main.js');

export function tempDir(prefix = 'sluice-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** An in-process server on a free port, in memory unless a data dir is given: the embeddable API's defaults. */
export function startTestSluice(overrides: Partial<SluiceConfig> = {}): Promise<Sluice> {
  return startEmbedded(overrides);
}

export const testCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** Environment for the AWS CLI and boto3 pointing at a server. */
export function awsEnv(url: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: url,
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** Raw Kinesis call over HTTP/1.1. */
export async function kinesisRaw(
  url: string,
  action: string,
  body: string | Buffer | object,
  contentType = 'application/x-amz-json-1.1',
): Promise<{ status: number; headers: Headers; text: string; buffer: Buffer; json: any }> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await fetch(url + '/', {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-amz-target': `Kinesis_20131202.${action}` },
    body: payload,
  });
  const buffer = Buffer.from(await res.arrayBuffer());
  const text = buffer.toString('utf8');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, buffer, json };
}

export interface ChildSluice {
  readonly url: string;
  readonly process: ChildProcess;
  readonly output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `sluice start` as a child process; resolves once it printed its banner. */
export function spawnSluice(args: string[], env: NodeJS.ProcessEnv = process.env, startTimeoutMs = 15_000): Promise<ChildSluice> {
  const child = spawn(process.execPath, [cliPath, 'start', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice did not start:\n${out}`)), startTimeoutMs);
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        process: child,
        output: () => out,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sluice exited with ${code}:\n${out}`));
    });
  });
}
