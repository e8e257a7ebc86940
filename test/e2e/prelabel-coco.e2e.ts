import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Project } from '../../src/main/services/project/project';
import { VOC100 } from '../helpers/paths';
import { launchChromium, ROOT, serve, shot } from './harness';
import { check, tmpDir } from './util';

/** Six VOC photos with people in them, copied to a temp folder to upload as a user would. */
function photosWithPeople(): string {
  const gt = JSON.parse(readFileSync(path.join(VOC100, 'gt_coco.json'), 'utf8')) as {
    images: { id: number; file_name: string }[];
    annotations: { image_id: number; category_id: number }[];
  };
  const withPerson = new Set(gt.annotations.filter((a) => a.category_id === 15).map((a) => a.image_id));
  const dir = path.join(tmpDir(), 'photos');
  mkdirSync(dir);
  for (const img of gt.images.filter((i) => withPerson.has(i.id)).slice(0, 6))
    copyFileSync(path.join(VOC100, 'images', img.file_name), path.join(dir, img.file_name));
  return dir;
}

/**
 * Pre-label before any training: a project of unlabeled real photos with the classes Person and Vehicle and no
 * run. The card offers the COCO detector, its mapping step matches Person by name and leaves Vehicle to the
 * person, who maps it to COCO's car; the pass stores pending boxes of both kinds of class only as mapped.
 */
async function cocoPrelabelFlow(): Promise<void> {
  const root = tmpDir();
  const dir = path.join(root, 'proj');
  const ridge = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), ...args], { stdio: 'ignore' });
  ridge('init', dir);
  ridge('import', dir, '--format', 'images', '--from', photosWithPeople());
  const p = Project.open(dir);
  p.classes.create('Person');
  p.classes.create('Vehicle');
  p.close();
  const s = await serve(dir, { env: { RIDGE_CACHE_DIR: path.join(root, 'cache') } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(s.url);
    await page.click('nav.tabs >> text=Experiments');
    await page.waitForSelector('[data-testid="prelabel-mapping"] table');
    const model = await page.inputValue('[aria-label="pre-label model"]');
    check(model === 'coco', `with no run the card offers the COCO detector, got ${model}`);
    check((await page.inputValue('[aria-label="pre-label score"]')) === '0.4', 'the COCO default score');
    const person = await page.inputValue('[aria-label="COCO class for Person"]');
    const vehicle = await page.inputValue('[aria-label="COCO class for Vehicle"]');
    check(person === 'person' && vehicle === '', `suggested mapping: Person=${person}, Vehicle=${vehicle}`);
    await page.selectOption('[aria-label="COCO class for Vehicle"]', 'car');
    await page.locator('[data-testid="prelabel"]').scrollIntoViewIfNeeded();
    await shot(page, 'prelabel-coco-01-mapping');
    await page.click('[data-testid="prelabel-go"]');
    await page.waitForSelector('[data-testid="prelabel-report"]', { timeout: 180_000 });
    const rep = (await page.textContent('[data-testid="prelabel-report"]')) ?? '';
    check(/Added [1-9]\d* pending box/.test(rep), `pre-label report: ${rep}`);
    await page.locator('[data-testid="prelabel-report"]').scrollIntoViewIfNeeded();
    await shot(page, 'prelabel-coco-02-report');
    const db = new Database(path.join(dir, 'project.ridge'), { readonly: true });
    const rows = db
      .prepare(
        `SELECT c.name AS cls, a.state, a.source FROM annotation a JOIN label_class c ON c.id = a.class_id`,
      )
      .all() as { cls: string; state: string; source: string }[];
    db.close();
    check(
      rows.length > 0 && rows.every((r) => r.state === 'pending' && r.source === 'predicted'),
      `pending predictions only: ${JSON.stringify(rows.slice(0, 3))}`,
    );
    check(
      rows.filter((r) => r.cls === 'Person').length >= 6,
      `at least 6 Person boxes on 6 photos of people: ${rows.filter((r) => r.cls === 'Person').length}`,
    );
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await s.stop();
  }
}

/** The COCO pre-label end-to-end test. */
export const TESTS = [
  { name: 'pre-label unlabeled photos with the COCO detector and a class mapping', run: cocoPrelabelFlow },
];
