import type { Bench, BenchContext, BenchResult } from './harness.js';

/** Each benchmark lives in its own module; this runner loads the ones asked for, in order. */
const benches = ['classify', 'similar', 'webhook', 'storage', 'github'];

async function load(name: string): Promise<{ run: Bench }> {
  return (await import(new URL(`./${name}.bench.js`, import.meta.url).href)) as { run: Bench };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? args[onlyIndex + 1]?.split(',') : undefined;
  const context: BenchContext = { json, quick, print: (line) => { if (!json) console.log(line); } };
  const results: Record<string, BenchResult['figures']> = {};
  for (const name of benches) {
    if (only && !only.includes(name)) continue;
    context.print(`\n## ${name}`);
    const { run } = await load(name);
    const result = await run(context);
    results[result.name] = result.figures;
  }
  const machine = { node: process.version, cpus: (await import('node:os')).cpus().length, platform: process.platform };
  if (json) console.log(JSON.stringify({ machine, results }));
}

await main();
