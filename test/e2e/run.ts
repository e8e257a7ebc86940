// E2E runner: each test drives the real renderer bundle in Debian Chromium against `ridge serve` (real SQLite).
// Prints one closing line 'N passed, N failed' and writes test-results/e2e.json for scripts/test-all.sh.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, ROOT } from './harness';
import { TESTS as CONNECTION } from './connection.e2e';
import { TESTS as IMPORT } from './import.e2e';
import { TESTS as FLOW } from './labeling.e2e';
import { TESTS as KEYS } from './keyboard.e2e';
import { TESTS as EXPERIMENTS } from './experiments.e2e';
import { closeExperimentsFixture, TESTS as EXPERIMENTS_VIEW } from './experiments-view.e2e';
import { TESTS as GESTURES } from './gestures.e2e';
import { TESTS as PRELABEL_COCO } from './prelabel-coco.e2e';
import { TESTS as REVIEW } from './review.e2e';
import { closeSaliencyFixture, TESTS as SALIENCY_VIEW } from './saliency-view.e2e';
import { closeSharedStudio } from './shared';
import { closeStudyFixture, TESTS as STUDY_VIEW } from './study-view.e2e';
import { TESTS as STUDIO } from './studio.e2e';
import { TESTS as TABS } from './two-tabs.e2e';

/** One end-to-end test. */
export interface E2eTest {
  name: string;
  run(): Promise<void>;
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const tests = [
    ...FLOW,
    ...KEYS,
    ...GESTURES,
    ...REVIEW,
    ...STUDIO,
    ...EXPERIMENTS,
    ...PRELABEL_COCO,
    ...EXPERIMENTS_VIEW,
    ...SALIENCY_VIEW,
    ...STUDY_VIEW,
    ...TABS,
    ...CONNECTION,
    ...IMPORT,
  ].filter((t) => !only || t.name.includes(only));
  mkdirSync(ARTIFACTS, { recursive: true });
  let passed = 0;
  let failed = 0;
  const results: { name: string; ok: boolean; ms: number; error?: string }[] = [];
  for (const t of tests) {
    const t0 = Date.now();
    try {
      await t.run();
      passed++;
      results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
      console.log(`  ✓ ${t.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      failed++;
      const e = err as Error;
      results.push({ name: t.name, ok: false, ms: Date.now() - t0, error: e.stack ?? String(e) });
      console.log(`  ✗ ${t.name}\n${e.stack ?? e}`);
    }
  }
  await closeSharedStudio();
  await closeExperimentsFixture();
  await closeSaliencyFixture();
  await closeStudyFixture();
  writeFileSync(
    path.join(ROOT, 'test-results', 'e2e.json'),
    JSON.stringify({ passed, failed, results }, null, 2),
  );
  console.log(`screenshots: ${ARTIFACTS}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || !passed ? 1 : 0);
}

void main();
