// `npm run bench`: runs every benchmark in test/bench one after another and prints their figures.
// `*.slow.bench.ts` (tens of minutes) and the soak (10 minutes of load on `ridge serve`; SOAK_MINUTES shortens it)
// run only when named: `npm run bench -- quality`, `npm run bench -- soak`. Arguments after the name go to the
// benchmark: `npm run bench -- quality --sets bccd --seeds 0`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = __dirname;
/** Benchmarks that run only when named (long, and not for CI). */
const NAMED_ONLY = ['soak.bench.ts'];
const only = process.argv[2];
const passOn = process.argv.slice(3);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => (only ? f.includes(only) : !f.endsWith('.slow.bench.ts') && !NAMED_ONLY.includes(f)))
  .sort();
let failed = 0;
for (const f of benches) {
  console.log(`\n== ${f} ==`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f), ...passOn], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
