import { baseOf, extOf, isImageFile, joinRel, normalizeRel, stemOf } from './paths';
import { walkFiles } from './source';
import type { DatasetImage, DatasetSource, ParsedDataset, Problem } from './types';
import { IMAGE_EXTENSIONS } from './types';

/** Where the problem sits inside its file. */
export interface ProblemAt {
  line?: number;
  field?: string;
  image?: string;
}

/** Collects problems for one parse, so parsers report instead of throwing. */
export class Problems {
  /** Every problem in the order found. */
  readonly list: Problem[] = [];

  /** Record an error: the import stops, or (with `image`) that image is skipped under --skip-bad. */
  error(file: string, message: string, at: ProblemAt = {}): void {
    this.list.push({ severity: 'error', file, ...at, message });
  }

  /** Record a warning: reported, the import goes on. */
  warn(file: string, message: string, at: ProblemAt = {}): void {
    this.list.push({ severity: 'warning', file, ...at, message });
  }
}

/** Read a text file, reporting a missing or unreadable file instead of throwing. */
export function readTextOrReport(source: DatasetSource, file: string, problems: Problems): string | null {
  try {
    return source.readText(file);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    problems.error(file, source.exists(file) ? `cannot read file: ${why}` : 'file not found');
    return null;
  }
}

/** Strict number parsing for text formats: '12', '-1.5e3' yes; '', '12px', '0x10' no. */
export function parseNumber(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_TEXT = /^[+-]?(nan|inf|infinity)$/i;

/**
 * A box coordinate as text states it: a number, NaN or an infinity for what is numeric but not finite ('nan',
 * 'inf', '1e999', which overflows), or null for text that is no number at all ('12px'). A non-finite coordinate
 * drops its box with a warning (dropNonFiniteBox); text that is no number is an error.
 */
export function parseCoordinate(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (NUMBER_TEXT.test(t)) return Number(t);
  if (NON_FINITE_TEXT.test(t)) return /nan/i.test(t) ? NaN : t.startsWith('-') ? -Infinity : Infinity;
  return null;
}

/** The one warning every format gives when it drops a box for a non-finite coordinate. */
export function dropNonFiniteBox(
  problems: Problems,
  file: string,
  field: string,
  stated: string,
  at: ProblemAt,
): void {
  problems.warn(file, `dropped box: ${field} "${stated}" is not finite`, at);
}

/** Classes for formats that carry no class list: a stated order first (classes.txt), then the rest sorted. */
export function orderClasses(stated: readonly string[], used: Iterable<string>): string[] {
  const out = [...stated];
  const seen = new Set(out);
  const extra = [...new Set(used)].filter((c) => !seen.has(c)).sort();
  return [...out, ...extra];
}

/** Read an optional one-name-a-line class list (classes.txt, obj.names); blank lines and duplicates dropped. */
export function readNameList(source: DatasetSource, file: string, problems: Problems): string[] {
  const text = readTextOrReport(source, file, problems);
  if (text === null) return [];
  const names: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') return;
    if (names.includes(name)) problems.warn(file, `class "${name}" listed twice`, { line: i + 1 });
    else names.push(name);
  });
  return names;
}

/** How a caller tells a parser where images live: a folder of the dataset source, or a separate source. */
export type ImagesOption = string | DatasetSource;

/** Where a dataset is inside the source, and an images folder override; the options most parsers take. */
export interface FolderOptions {
  /** The dataset folder inside the source ('' by default). */
  dir?: string;
  /** Images folder (relative to the source) or separate source, searched when the stated place has no image. */
  images?: ImagesOption;
}

/**
 * Finds image files for a parser. Without an images option, only the places the format states are tried. With one,
 * the images folder is searched too (by the stated relative path, then by file name anywhere below it), so
 * `--from gts/yolo_format --images images` works when the paths inside the labels are stale. Paths it returns are
 * relative to the images source (the separate source when given, else the dataset source).
 */
export class ImageLocator {
  private readonly imgSource: DatasetSource;
  private readonly imgDir: string | null;
  private byName: Map<string, string[]> | null = null;
  private byStem: Map<string, string[]> | null = null;
  private readonly warned = new Set<string>();

  constructor(
    private readonly source: DatasetSource,
    images: ImagesOption | undefined,
    private readonly problems: Problems,
  ) {
    if (images === undefined) {
      this.imgSource = source;
      this.imgDir = null;
    } else if (typeof images === 'string') {
      this.imgSource = source;
      const dir = normalizeRel(images);
      if (dir === null) problems.error(images, 'the images folder leaves the dataset folder');
      this.imgDir = dir;
    } else {
      this.imgSource = images;
      this.imgDir = '';
    }
  }

  /** Whether the images live in a source of their own, so stated dataset paths cannot be tried. */
  get separate(): boolean {
    return this.imgSource !== this.source;
  }

  /** The explicit images folder (relative to the images source), or null when none was given. */
  get dir(): string | null {
    return this.imgDir;
  }

  /**
   * Find an image. `stated` is the path as the format states it, relative to the images folder; `candidates` are
   * dataset-source paths to try first (ignored for a separate images source). Returns a path or null.
   */
  find(stated: string, candidates: readonly string[] = []): string | null {
    if (!this.separate) {
      for (const c of candidates) {
        const hit = this.tryWithExt(c);
        if (hit) return hit;
      }
    }
    if (this.imgDir === null) return null;
    const direct = joinRel(this.imgDir, stated);
    if (direct !== null && stated !== '' && !/^[\\/]|\.\./.test(stated)) {
      const hit = this.tryWithExt(direct);
      if (hit) return hit;
    }
    const name = baseOf(stated);
    const hits = this.index().byName.get(name) ?? (isImageFile(name) ? [] : this.index().byStem.get(name));
    return this.pick(name, hits);
  }

  /** Find an image by file stem below the images folder (label-driven layouts), or null. */
  findByStem(stem: string): string | null {
    if (this.imgDir === null) return null;
    return this.pick(stem, this.index().byStem.get(stem));
  }

  private pick(name: string, hits: string[] = []): string | null {
    const first = hits[0];
    if (first === undefined) return null;
    if (hits.length > 1 && !this.warned.has(name)) {
      this.warned.add(name);
      this.problems.warn(
        this.imgDir || '.',
        `${hits.length} images named ${name} in the images folder; using ${first}`,
      );
    }
    return first;
  }

  /** A path under the images folder to name in a "not found" message. */
  describe(stated: string, fallback: string): string {
    return (this.imgDir === null ? null : joinRel(this.imgDir, stated.replace(/\\/g, '/'))) ?? fallback;
  }

  private tryWithExt(p: string): string | null {
    if (this.imgSource.exists(p)) return p;
    if (extOf(p) !== '' && isImageFile(p)) return null;
    for (const ext of IMAGE_EXTENSIONS) if (this.imgSource.exists(p + ext)) return p + ext;
    return null;
  }

  private index(): { byName: Map<string, string[]>; byStem: Map<string, string[]> } {
    if (!this.byName || !this.byStem) {
      this.byName = new Map();
      this.byStem = new Map();
      for (const p of walkFiles(this.imgSource, this.imgDir ?? '').filter(isImageFile)) {
        push(this.byName, baseOf(p), p);
        push(this.byStem, stemOf(p), p);
      }
    }
    return { byName: this.byName, byStem: this.byStem };
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Report an image path stated twice in one dataset; returns true if `file` was already seen. */
export function checkDuplicate(
  seen: Set<string>,
  file: string,
  where: string,
  problems: Problems,
  at: ProblemAt,
): boolean {
  if (!seen.has(file)) {
    seen.add(file);
    return false;
  }
  problems.error(where, `image ${file} is referenced twice`, { ...at, image: file });
  return true;
}

/** Merge datasets parsed from several files of one dataset (COCO per split): classes in first-seen order. */
export function mergeParsed(parts: readonly ParsedDataset[], where: string): ParsedDataset {
  const classes: string[] = [];
  const images: DatasetImage[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const p of parts) {
    for (const c of p.classes) if (!classes.includes(c)) classes.push(c);
    problems.push(...p.problems);
    for (const im of p.images) {
      if (seen.has(im.file)) {
        problems.push({
          severity: 'error',
          file: where,
          image: im.file,
          message: `image ${im.file} is in two files`,
        });
      } else {
        seen.add(im.file);
        images.push(im);
      }
    }
  }
  return { classes, images, problems };
}
