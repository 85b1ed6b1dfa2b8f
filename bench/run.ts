/**
 * `npm run bench`: runs each benchmark suite (a module exporting
 * `run(): Promise<string>` that returns a Markdown section), prints the
 * combined Markdown to stdout and writes it to bench/results/latest.md.
 * Progress goes to stderr.
 *
 *   node dist/bench/run.js [--only kinesis|vtl|apigateway[,...]]
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine, sourceRevision } from './lib/machine.js';
import { repoRoot } from './lib/paths.js';

const SUITES = ['kinesis', 'subscribe', 'vtl', 'apigateway', 'cluster'] as const;
type Suite = (typeof SUITES)[number];

function parseArgs(argv: readonly string[]): Suite[] {
  let only: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only') {
      only = argv[++i];
      if (only === undefined) usage('--only needs a value');
    } else if (a.startsWith('--only=')) {
      only = a.slice('--only='.length);
    } else if (a === '--help' || a === '-h') {
      usage();
    } else {
      usage(`unknown argument "${a}"`);
    }
  }
  if (only === undefined) return [...SUITES];
  const picked = only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of picked) if (!(SUITES as readonly string[]).includes(p)) usage(`unknown suite "${p}"`);
  return SUITES.filter((s) => picked.includes(s));
}

function usage(error?: string): never {
  const text = `usage: node dist/bench/run.js [--only ${SUITES.join('|')}[,...]]`;
  if (error) {
    console.error(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

async function runSuite(name: Suite): Promise<string> {
  const url = new URL(`./${name}.js`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    process.stderr.write(`[bench] ${name}: skipped (bench/${name}.ts is not in this checkout)\n`);
    return `## ${name}\n\n_Skipped: \`bench/${name}.ts\` does not exist in this checkout (or was not built)._\n`;
  }
  const started = performance.now();
  process.stderr.write(`[bench] ${name}: running\n`);
  try {
    const mod = (await import(url.href)) as { run?: () => Promise<string> };
    if (typeof mod.run !== 'function') throw new Error(`bench/${name}.ts does not export run(): Promise<string>`);
    const md = await mod.run();
    process.stderr.write(`[bench] ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return md.endsWith('\n') ? md : `${md}\n`;
  } catch (e) {
    process.exitCode = 1;
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`[bench] ${name}: FAILED\n${msg}\n`);
    return `## ${name}\n\n**Suite failed:**\n\n\`\`\`\n${msg}\n\`\`\`\n`;
  }
}

async function main(): Promise<void> {
  const suites = parseArgs(process.argv.slice(2));
  const date = new Date();
  // Read before the suites run: the checkout may change while they do.
  const revision = sourceRevision(repoRoot());
  const sections: string[] = [];
  for (const s of suites) sections.push(await runSuite(s));
  const md = [`# Sluice benchmarks`, '', machineLine(date), '', `Sluice source: ${revision}`, '', ...sections].join('\n');
  process.stdout.write(md);
  const dir = join(repoRoot(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const out = join(dir, 'latest.md');
  await writeFile(out, md);
  process.stderr.write(`[bench] wrote ${out}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
