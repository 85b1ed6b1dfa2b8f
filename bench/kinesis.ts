/**
 * Kinesis suite: Sluice against kinesalite and kinesis-local (kinesis-mock's
 * Node build), each its own child process with a fresh data dir, the same
 * workloads with the same client, one server at a time.
 *
 * Knobs (environment, for quick runs): BENCH_MEASURE_MS (5000),
 * BENCH_WARMUP_MS (1000), BENCH_PREFILL_CAP_MS (25000), BENCH_FILL_CAP_MS
 * (180000), BENCH_PROJECT_AFTER_MS (20000), BENCH_MEMORY_RECORDS (1000000), BENCH_READ_RECORDS (100000),
 * BENCH_SERVERS (comma-separated names, e.g. "Sluice,kinesalite").
 */
import { Bodies, checkOk, checkPutRecords, KinesisClient } from './lib/client.js';
import { closedLoop } from './lib/load.js';
import { loadAverage, machineLine, waitForQuiet } from './lib/machine.js';
import { ALL_SERVERS, startServer, type RunningServer, type ServerSpec } from './lib/servers.js';
import { fmtNumber, fmtRatio, mib, nowMs, percentile, perSecond, sleep } from './lib/stats.js';
import { bullet, markdownTable } from './lib/table.js';

const envInt = (name: string, dflt: number): number => {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
  return n;
};

const cfg = {
  measureMs: envInt('BENCH_MEASURE_MS', 5000),
  warmupMs: envInt('BENCH_WARMUP_MS', 1000),
  /** Longest any one server may spend filling up to the memory target ("reasonable time"). */
  fillCapMs: envInt('BENCH_FILL_CAP_MS', 180_000),
  /** After this long, a fill whose rate projects past fillCapMs is stopped early. */
  projectAfterMs: envInt('BENCH_PROJECT_AFTER_MS', 20_000),
  /** Longest the GetRecords pre-fill may take. */
  prefillCapMs: envInt('BENCH_PREFILL_CAP_MS', 25_000),
  memoryRecords: envInt('BENCH_MEMORY_RECORDS', 1_000_000),
  readRecords: envInt('BENCH_READ_RECORDS', 100_000),
};

const RECORD_BYTES = 100;
const BATCH = 500;
const IN_FLIGHT = 32;
/** PutRecords calls in flight while pre-filling (not a measured workload). */
const FILL_IN_FLIGHT = 4;
const PUT_STREAM = 'bench-put';
const READ_STREAM = 'bench-read';
const FILL_STREAM = 'bench-fill';

const log = (line: string): void => {
  process.stderr.write(`[kinesis] ${line}\n`);
};

type RowKey = 'putRecords' | 'put32' | 'p50' | 'p99' | 'getRecords' | 'rss';

interface Row {
  readonly key: RowKey;
  readonly label: string;
  /** Throughput rows: Sluice ÷ competitor. Latency and memory rows: competitor ÷ Sluice. Either way > 1 means Sluice is better. */
  readonly higherIsBetter: boolean;
}

const ROWS: readonly Row[] = [
  { key: 'putRecords', label: '1. PutRecords 500 × 100 B, sequential (records/s)', higherIsBetter: true },
  { key: 'put32', label: '2. PutRecord, 32 in flight (requests/s)', higherIsBetter: true },
  { key: 'p50', label: '3. PutRecord sequential, p50 latency (ms) ↓', higherIsBetter: false },
  { key: 'p99', label: '3. PutRecord sequential, p99 latency (ms) ↓', higherIsBetter: false },
  { key: 'getRecords', label: '4. GetRecords, Limit 10000, 100k-record shard (records/s)', higherIsBetter: true },
  { key: 'rss', label: '5. Resident memory (VmRSS) with 1,000,000 records (MiB) ↓', higherIsBetter: false },
];

interface Cell {
  value?: number;
  /** Overrides the formatted value, e.g. "412 (at 640,000 records)". */
  text?: string;
  /** The value is not comparable as-is (e.g. memory read before reaching the target). */
  partial?: boolean;
}

interface ServerResult {
  readonly spec: ServerSpec;
  readonly cells: Partial<Record<RowKey, Cell>>;
  readonly notes: string[];
  /** 100-byte records the server has acknowledged so far, across all streams. */
  stored: number;
}

// ---------------------------------------------------------------- workloads

const QUIET_BELOW = 0.2;

/**
 * Waits (up to 10 s) for other processes on the machine to leave the CPUs
 * alone; the server's own background work (e.g. LevelDB compaction) does not
 * count. Notes it when they did not.
 */
async function quiet(s: RunningServer, res: ServerResult, what: string): Promise<void> {
  const busy = await waitForQuiet(10_000, QUIET_BELOW, [s.pid]);
  if (busy >= QUIET_BELOW) {
    const msg = `${what}: other processes kept the CPUs ${Math.round(busy * 100)}% busy through a 10 s wait; measured anyway.`;
    log(`${s.name}: ${msg}`);
    res.notes.push(msg);
  }
}

async function warm(client: KinesisClient, inFlight: number, action: string, bodies: readonly Buffer[], check: (r: { status: number; text: string }) => void): Promise<number> {
  if (cfg.warmupMs === 0) return 0;
  const r = await closedLoop({ inFlight, durationMs: cfg.warmupMs }, async (n) => check(await client.send(action, bodies[n % bodies.length]!)));
  return r.calls;
}

/** 1. PutRecords of 500 × 100 B, one request in flight. */
async function putRecordsSequential(s: RunningServer, res: ServerResult): Promise<void> {
  const client = new KinesisClient(s.url, 1);
  try {
    const bodies = new Bodies(PUT_STREAM, RECORD_BYTES).putRecords(BATCH);
    res.stored += BATCH * (await warm(client, 1, 'PutRecords', bodies, checkPutRecords));
    const r = await closedLoop({ inFlight: 1, durationMs: cfg.measureMs, maxCalls: 5000 }, async (n) => checkPutRecords(await client.send('PutRecords', bodies[n % bodies.length]!)));
    res.stored += BATCH * r.calls;
    const rate = perSecond(r.calls * BATCH, r.elapsedMs);
    res.cells.putRecords = { value: rate };
    log(`${s.name}: PutRecords sequential ${fmtNumber(rate)} records/s (${r.calls} calls in ${fmtNumber(r.elapsedMs / 1000)} s)`);
  } finally {
    await client.close();
  }
}

/** 2. PutRecord with 32 requests in flight over 32 keep-alive connections. */
async function putRecordConcurrent(s: RunningServer, res: ServerResult): Promise<void> {
  const client = new KinesisClient(s.url, IN_FLIGHT);
  try {
    const bodies = new Bodies(PUT_STREAM, RECORD_BYTES).putRecord();
    const check = (r: { status: number; text: string }): void => checkOk('PutRecord', r);
    res.stored += await warm(client, IN_FLIGHT, 'PutRecord', bodies, check);
    const r = await closedLoop({ inFlight: IN_FLIGHT, durationMs: cfg.measureMs, maxCalls: 500_000 }, async (n) => check(await client.send('PutRecord', bodies[n % bodies.length]!)));
    res.stored += r.calls;
    const rate = perSecond(r.calls, r.elapsedMs);
    res.cells.put32 = { value: rate };
    log(`${s.name}: PutRecord ×${IN_FLIGHT} ${fmtNumber(rate)} requests/s (${r.calls} calls)`);
  } finally {
    await client.close();
  }
}

/** 3. PutRecord, one request in flight: latency percentiles. */
async function putRecordLatency(s: RunningServer, res: ServerResult): Promise<void> {
  const client = new KinesisClient(s.url, 1);
  try {
    const bodies = new Bodies(PUT_STREAM, RECORD_BYTES).putRecord();
    const check = (r: { status: number; text: string }): void => checkOk('PutRecord', r);
    res.stored += await warm(client, 1, 'PutRecord', bodies, check);
    const r = await closedLoop({ inFlight: 1, durationMs: cfg.measureMs, maxCalls: 50_000, latencies: true }, async (n) => check(await client.send('PutRecord', bodies[n % bodies.length]!)));
    res.stored += r.calls;
    const p50 = percentile(r.latenciesMs, 50);
    const p99 = percentile(r.latenciesMs, 99);
    res.cells.p50 = { value: p50 };
    res.cells.p99 = { value: p99 };
    log(`${s.name}: PutRecord sequential p50 ${fmtNumber(p50)} ms, p99 ${fmtNumber(p99)} ms (${r.calls} calls)`);
  } finally {
    await client.close();
  }
}

/**
 * Writes 500-record PutRecords to `stream`, FILL_IN_FLIGHT at a time, until
 * `total` records or `capMs`; returns how many were written. Calls `tick`
 * about once a second.
 */
async function fill(
  s: RunningServer,
  stream: string,
  total: number,
  capMs: number,
  tick?: (written: number) => void,
  projectAfterMs?: number,
): Promise<{ written: number; elapsedMs: number; projectedOut?: boolean; error?: unknown }> {
  const client = new KinesisClient(s.url, FILL_IN_FLIGHT);
  const bodies = new Bodies(stream, RECORD_BYTES).putRecords(BATCH);
  let written = 0;
  let lastTick = nowMs();
  const start = nowMs();
  let projectedOut = false;
  // Stop early once the rate so far says the cap cannot be met.
  const stop = (): boolean => {
    const elapsed = nowMs() - start;
    if (projectAfterMs === undefined || elapsed < projectAfterMs || written === 0) return false;
    projectedOut = (elapsed * total) / written > capMs;
    return projectedOut;
  };
  try {
    await closedLoop({ inFlight: FILL_IN_FLIGHT, durationMs: capMs, maxCalls: Math.ceil(total / BATCH), stop }, async (n) => {
      checkPutRecords(await client.send('PutRecords', bodies[n % bodies.length]!));
      written += BATCH;
      if (tick && nowMs() - lastTick >= 1000) {
        lastTick = nowMs();
        tick(written);
      }
    });
    return { written, elapsedMs: nowMs() - start, projectedOut };
  } catch (error) {
    return { written, elapsedMs: nowMs() - start, projectedOut, error };
  } finally {
    await client.close().catch(() => {});
  }
}

const NEXT_ITERATOR = /"NextShardIterator"\s*:\s*"([^"]+)"/;

/** Records in a GetRecords answer: each has exactly one "SequenceNumber" member. */
function countRecords(text: string): number {
  let n = 0;
  for (let at = text.indexOf('"SequenceNumber"'); at !== -1; at = text.indexOf('"SequenceNumber"', at + 16)) n++;
  return n;
}

/** 4. GetRecords with Limit 10000 over a single shard pre-filled with 100k records, following NextShardIterator. */
async function getRecordsThroughput(s: RunningServer, res: ServerResult): Promise<void> {
  const setup = new KinesisClient(s.url, 1);
  await setup.createStream(READ_STREAM, 1);
  const [shardId] = await setup.shardIds(READ_STREAM);
  await setup.close();

  const f = await fill(s, READ_STREAM, cfg.readRecords, cfg.prefillCapMs);
  res.stored += f.written;
  if (f.error !== undefined) throw f.error;
  log(`${s.name}: pre-filled ${f.written.toLocaleString('en-US')} records in ${fmtNumber(f.elapsedMs / 1000)} s (${fmtNumber(perSecond(f.written, f.elapsedMs))} records/s, ${FILL_IN_FLIGHT} PutRecords in flight)`);
  if (f.written < cfg.readRecords) res.notes.push(`GetRecords: pre-fill stopped at ${f.written.toLocaleString('en-US')} records after ${fmtNumber(f.elapsedMs / 1000)} s.`);

  const client = new KinesisClient(s.url, 1);
  try {
    const iterator = async (): Promise<string> =>
      (await client.call<{ ShardIterator: string }>('GetShardIterator', { StreamName: READ_STREAM, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
    // The client reads only what it needs from each ~2 MB answer (the record count and the
    // next iterator): parsing it all would make the client, not the server, the bottleneck.
    const get = async (it: string): Promise<{ n: number; next: string | undefined }> => {
      const r = await client.send('GetRecords', JSON.stringify({ ShardIterator: it, Limit: 10_000 }));
      checkOk('GetRecords', r);
      return { n: countRecords(r.text), next: NEXT_ITERATOR.exec(r.text)?.[1] };
    };
    await quiet(s, res, 'GetRecords');
    // Warm-up: one full-size read from the start.
    await get(await iterator());

    // Measure: read the shard from TRIM_HORIZON to its end, again and again, for the measuring time (at least one call).
    let records = 0;
    let calls = 0;
    let passes = 0;
    const start = nowMs();
    const stopAt = start + cfg.measureMs;
    let it: string | undefined = await iterator();
    let passRead = 0;
    do {
      const r = await get(it!);
      calls++;
      records += r.n;
      passRead += r.n;
      it = r.next;
      if (r.n === 0 || passRead >= f.written || it === undefined) {
        passes++;
        passRead = 0;
        it = await iterator();
      }
    } while (nowMs() < stopAt);
    const elapsed = nowMs() - start;
    const rate = perSecond(records, elapsed);
    res.cells.getRecords = { value: rate };
    log(`${s.name}: GetRecords ${fmtNumber(rate)} records/s (${records} records, ${calls} calls, ${passes} full passes, ${fmtNumber(elapsed / 1000)} s)`);
  } finally {
    await client.close();
  }
}

/**
 * 5. A fresh server process, filled with `memoryRecords` records by PutRecords
 * (500 × 100 B, a few in flight) into one single-shard stream; then its VmRSS.
 * A fresh process so the reading is about holding the records, not about
 * what the earlier workloads left in the heap (reported separately as a note).
 */
async function residentMemory(spec: ServerSpec, res: ServerResult): Promise<void> {
  const target = cfg.memoryRecords;
  const s = await startServer(spec);
  try {
    const setup = new KinesisClient(s.url, 1);
    await setup.createStream(FILL_STREAM, 1);
    await setup.close();
    const idle = s.memory();
    log(`${s.name}: fresh pid ${s.pid}, VmRSS ${idle ? fmtNumber(mib(idle.rss)) : '?'} MiB; filling to ${target.toLocaleString('en-US')} records (cap ${cfg.fillCapMs / 1000} s)`);
    await quiet(s, res, 'Resident memory fill');
    let last = idle;
    const f = await fill(
      s,
      FILL_STREAM,
      target,
      cfg.fillCapMs,
      () => {
        last = s.memory() ?? last;
      },
      cfg.projectAfterMs,
    );
    const reached = f.written >= target;
    let how = '';
    if (f.error !== undefined || !s.alive) {
      await sleep(200);
      how = s.alive ? `failed: ${f.error instanceof Error ? f.error.message : String(f.error)}` : `died: ${s.describeExit()}`;
    } else if (!reached) {
      const eta = (f.elapsedMs * target) / Math.max(1, f.written) / 1000;
      how = f.projectedOut
        ? `stopped early: at its rate it would need ~${fmtNumber(eta)} s, over the ${cfg.fillCapMs / 1000} s cap`
        : `stopped by the ${cfg.fillCapMs / 1000} s cap`;
    }
    if (s.alive) {
      // Let allocation settle before reading.
      await sleep(2000);
      last = s.memory() ?? last;
    }
    const fillRate = perSecond(f.written, f.elapsedMs);
    log(`${s.name}: ${f.written.toLocaleString('en-US')} records in ${fmtNumber(f.elapsedMs / 1000)} s (${fmtNumber(fillRate)} records/s) ${how}; VmRSS ${last ? fmtNumber(mib(last.rss)) : '?'} MiB, peak ${last ? fmtNumber(mib(last.peak)) : '?'} MiB`);
    if (!last) {
      res.cells.rss = { text: `— (${how || 'no reading'})` };
      return;
    }
    const value = mib(last.rss);
    res.cells.rss = reached
      ? { value }
      : { value, partial: true, text: `${fmtNumber(value)} at ${f.written.toLocaleString('en-US')} records${s.alive ? '' : ' (last reading before it died)'}` };
    res.notes.push(
      `Memory (fresh process): idle with an empty stream ${idle ? fmtNumber(mib(idle.rss)) : '?'} MiB; ${f.written.toLocaleString('en-US')} records written in ${fmtNumber(f.elapsedMs / 1000)} s ` +
        `(${fmtNumber(fillRate)} records/s, ${FILL_IN_FLIGHT} PutRecords in flight)${how ? ` — ${how}` : ''}; then VmRSS ${fmtNumber(value)} MiB, peak (VmHWM) ${fmtNumber(mib(last.peak))} MiB.`,
    );
  } finally {
    await s.stop();
  }
}

// ---------------------------------------------------------------- running

const WORKLOADS: ReadonlyArray<{ name: string; rows: RowKey[]; fn: (s: RunningServer, r: ServerResult) => Promise<void> }> = [
  { name: 'PutRecords sequential', rows: ['putRecords'], fn: putRecordsSequential },
  { name: 'PutRecord ×32', rows: ['put32'], fn: putRecordConcurrent },
  { name: 'PutRecord latency', rows: ['p50', 'p99'], fn: putRecordLatency },
  { name: 'GetRecords', rows: ['getRecords'], fn: getRecordsThroughput },
];

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Workloads 1–4 on one server process, then workload 5 on a fresh one. */
async function benchServer(spec: ServerSpec): Promise<ServerResult> {
  const res: ServerResult = { spec, cells: {}, notes: [], stored: 0 };
  const t0 = nowMs();
  let server: RunningServer | undefined;
  try {
    server = await startServer(spec);
  } catch (e) {
    res.notes.push(`Did not start: ${errorText(e)}`);
    for (const w of WORKLOADS) for (const k of w.rows) res.cells[k] = { text: 'did not start' };
  }
  if (server) {
    log(`${spec.name}: pid ${server.pid} on ${server.url} (ready in ${fmtNumber((nowMs() - t0) / 1000)} s), data in ${server.dataDir}`);
    try {
      const setup = new KinesisClient(server.url, 1);
      await setup.createStream(PUT_STREAM, 1);
      await setup.close();
      for (const w of WORKLOADS) {
        if (!server.alive) {
          for (const k of w.rows) res.cells[k] ??= { text: 'server died' };
          continue;
        }
        try {
          if (w.name !== 'GetRecords') await quiet(server, res, w.name);
          await w.fn(server, res);
        } catch (e) {
          const why = server.alive ? errorText(e) : `server died (${server.describeExit()})`;
          log(`${spec.name}: ${w.name} failed: ${why}`);
          res.notes.push(`${w.name} failed: ${why}`);
          for (const k of w.rows) res.cells[k] ??= { text: 'failed' };
        }
      }
      const m = server.memory();
      if (m) res.notes.push(`After workloads 1–4 (${res.stored.toLocaleString('en-US')} records stored): VmRSS ${fmtNumber(mib(m.rss))} MiB, peak (VmHWM) ${fmtNumber(mib(m.peak))} MiB.`);
    } finally {
      await server.stop();
    }
  }
  try {
    await residentMemory(spec, res);
  } catch (e) {
    log(`${spec.name}: resident memory failed: ${errorText(e)}`);
    res.notes.push(`Resident memory failed: ${errorText(e)}`);
    res.cells.rss ??= { text: 'failed' };
  }
  log(`${spec.name}: done in ${fmtNumber((nowMs() - t0) / 1000)} s`);
  return res;
}

function cellText(c: Cell | undefined): string {
  if (!c) return '—';
  return c.text ?? (c.value !== undefined ? fmtNumber(c.value) : '—');
}

/** Sluice's advantage over a competitor on a row (> 1 = Sluice better), or undefined when not comparable. */
function advantage(row: Row, sluice: Cell | undefined, other: Cell | undefined): { ratio: number; lowerBound: boolean } | undefined {
  if (sluice?.value === undefined || other?.value === undefined || sluice.partial) return undefined;
  const ratio = row.higherIsBetter ? sluice.value / other.value : other.value / sluice.value;
  if (!other.partial) return { ratio, lowerBound: false };
  // A competitor that stopped short on memory already using more than Sluice at the full count: Sluice is at least this far ahead.
  return !row.higherIsBetter && ratio > 1 ? { ratio, lowerBound: true } : undefined;
}

const advText = (a: ReturnType<typeof advantage>): string => (a ? `${a.lowerBound ? '> ' : ''}${fmtRatio(a.ratio)}` : '—');

function render(results: readonly ServerResult[], date: Date, loadAtStart: string, elapsedMs: number): string {
  const by = (name: string): ServerResult | undefined => results.find((r) => r.spec.name === name);
  const sluice = by('Sluice');
  const kl = by('kinesalite');
  const km = by('kinesis-local');

  const rows = ROWS.map((row) => [
    row.label,
    cellText(sluice?.cells[row.key]),
    cellText(kl?.cells[row.key]),
    cellText(km?.cells[row.key]),
    advText(advantage(row, sluice?.cells[row.key], kl?.cells[row.key])),
    advText(advantage(row, sluice?.cells[row.key], km?.cells[row.key])),
  ]);
  const table = markdownTable(['Workload', 'Sluice', 'kinesalite', 'kinesis-local', 'Sluice ÷ kinesalite', 'Sluice ÷ kinesis-local'], rows);

  // Targets.
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? '**n/a**' : ok ? '**PASS**' : '**FAIL**');
  const vsKl = (key: RowKey, times: number): string => {
    const row = ROWS.find((r) => r.key === key)!;
    const a = advantage(row, sluice?.cells[key], kl?.cells[key]);
    return `${verdict(a ? a.ratio >= times : undefined)} — ${row.label.replace(/ \(.*$/, '')}: Sluice ÷ kinesalite = ${advText(a)} (target ≥ ${times}×)`;
  };
  const behind: string[] = [];
  const undecided: string[] = [];
  for (const row of ROWS) {
    const a = advantage(row, sluice?.cells[row.key], km?.cells[row.key]);
    const short = row.label.replace(/^(\d)\. /, '$1 ').replace(/ \(.*$/, '');
    if (!a) undecided.push(short);
    else if (a.ratio <= 1) behind.push(`${short} (${advText(a)})`);
  }
  const aheadOk = behind.length > 0 ? false : undecided.length > 0 ? undefined : true;
  const rss = sluice?.cells.rss;
  const rssOk = rss?.value === undefined || rss.partial ? undefined : rss.value < 150;
  const targets = bullet([
    vsKl('putRecords', 10),
    vsKl('put32', 3),
    vsKl('getRecords', 10),
    `${verdict(aheadOk)} — ahead of kinesis-local on every row` +
      (behind.length ? `; behind on: ${behind.join(', ')}` : '') +
      (undecided.length ? `; not comparable: ${undecided.join(', ')}` : ''),
    `${verdict(rssOk)} — Sluice under 150 MiB resident with ${cfg.memoryRecords.toLocaleString('en-US')} records: ${cellText(rss)} MiB`,
  ]);

  const notes: string[] = [];
  for (const r of results) for (const n of r.notes) notes.push(`${r.spec.name} — ${n}`);

  return [
    '## Kinesis: Sluice vs kinesalite vs kinesis-local',
    '',
    `${machineLine(date)} · load average at start ${loadAtStart}`,
    '',
    `Each server ran as its own child process (one at a time) on a free loopback port with a fresh temporary data dir; ` +
      `one client (undici Pool, HTTP/1.1 keep-alive, prebuilt JSON 1.1 bodies) drove them all. Every stream has 1 shard. ` +
      `Workloads 1–4 ran in that order against one process; workload 5 against a fresh process filled from empty ` +
      `(at most ${cfg.fillCapMs / 1000} s, stopped after ${cfg.projectAfterMs / 1000} s when its rate so far could not make that; a server that could not get there shows the records it reached). ` +
      `Measuring window ${cfg.measureMs / 1000} s per workload after a ${cfg.warmupMs / 1000} s warm-up; before each workload the harness waits (up to 10 s) until other processes use under ${QUIET_BELOW * 100}% of the CPUs. ` +
      `Ratios are written so that > 1× means Sluice is better: Sluice ÷ competitor for throughput rows, competitor ÷ Sluice for the latency and memory rows (marked ↓, lower is better).`,
    '',
    table,
    '',
    '### Targets',
    '',
    targets,
    '',
    '### Storage each server used',
    '',
    bullet(results.map((r) => `${r.spec.name}: ${r.spec.storage}`)),
    ...(notes.length ? ['', '### Notes from this run', '', bullet(notes)] : []),
    '',
    `_Kinesis suite took ${fmtNumber(elapsedMs / 1000)} s._`,
    '',
  ].join('\n');
}

export async function run(): Promise<string> {
  const date = new Date();
  const loadAtStart = loadAverage();
  const t0 = nowMs();
  const wanted = (process.env.BENCH_SERVERS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const specs = wanted.length ? ALL_SERVERS.filter((s) => wanted.includes(s.name.toLowerCase())) : ALL_SERVERS;
  const results: ServerResult[] = [];
  for (const spec of specs) results.push(await benchServer(spec));
  return render(results, date, loadAtStart, nowMs() - t0);
}
