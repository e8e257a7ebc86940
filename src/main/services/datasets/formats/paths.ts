import type { Split } from '../../../../shared/domain/types';
import { IMAGE_EXTENSIONS } from './types';

// POSIX-style helpers for dataset-relative paths. Parsers work on these strings only, never on the OS path module,
// so a Windows path inside a label file ('..\\img\\a.jpg') behaves the same on every platform.

/** Normalize a dataset-relative path: '/' separators, no '.' or '..' segments; null if absolute or escaping the root. */
export function normalizeRel(p: string): string | null {
  const s = p.replace(/\\/g, '/').trim();
  if (s.startsWith('/') || /^[A-Za-z]:/.test(s)) return null;
  const out: string[] = [];
  for (const seg of s.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

/** Join dataset-relative parts and normalize; null if the result leaves the root. */
export function joinRel(...parts: string[]): string | null {
  return normalizeRel(parts.filter((p) => p !== '').join('/'));
}

/** Whether a stated path is absolute (POSIX, Windows drive or UNC), which a dataset file may not reference. */
export function isAbsolutePath(p: string): boolean {
  return /^(?:[A-Za-z]:|[\\/])/.test(p.trim());
}

/** The folder part of a relative path ('' at the root). */
export function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** The last segment of a path, accepting either separator. */
export function baseOf(p: string): string {
  const s = p.replace(/\\/g, '/');
  return s.slice(s.lastIndexOf('/') + 1);
}

/** The lower-case extension with its dot ('' if none). */
export function extOf(p: string): string {
  const b = baseOf(p);
  const i = b.lastIndexOf('.');
  return i <= 0 ? '' : b.slice(i).toLowerCase();
}

/** The file name without its extension. */
export function stemOf(p: string): string {
  const b = baseOf(p);
  const i = b.lastIndexOf('.');
  return i <= 0 ? b : b.slice(0, i);
}

/** Replace (or add) the extension of a path, e.g. an image path to its label file. */
export function withExt(p: string, ext: string): string {
  const b = baseOf(p);
  const i = b.lastIndexOf('.');
  return i <= 0 ? p + ext : p.slice(0, p.length - b.length + i) + ext;
}

/** Whether a file name has one of the image extensions the importers recognise. */
export function isImageFile(p: string): boolean {
  return IMAGE_EXTENSIONS.includes(extOf(p));
}

const SPLIT_WORDS: Record<string, Split> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** The split a single word names ('train', 'valid', 'Validation', 'test'...), or undefined. */
export function splitFromWord(word: string): Split | undefined {
  return SPLIT_WORDS[word.toLowerCase()];
}

/** The split named by a folder segment of a path (the last such segment wins), e.g. images/val/a.jpg -> val. */
export function splitFromPath(p: string): Split | undefined {
  const segs = p.replace(/\\/g, '/').split('/').slice(0, -1);
  for (let i = segs.length - 1; i >= 0; i--) {
    const s = splitFromWord(segs[i] ?? '');
    if (s) return s;
  }
  return undefined;
}

/**
 * The split named inside a file name such as instances_val2017.json or train.txt: a split word that is not glued to
 * other letters (digits may follow). 'trainval' and 'instances_default' name no split.
 */
export function splitFromFileName(p: string): Split | undefined {
  const m = /(?:^|[^a-z])(train|training|validation|valid|val|testing|test)(?![a-z])/i.exec(stemOf(p));
  return m?.[1] ? splitFromWord(m[1]) : undefined;
}

/** Every suffix of a path's segments, longest first: a/b/c.jpg -> [a/b/c.jpg, b/c.jpg, c.jpg]; for stale prefixes. */
export function pathSuffixes(p: string): string[] {
  const segs = p
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..' && !/^[A-Za-z]:$/.test(s));
  return segs.map((_, i) => segs.slice(i).join('/'));
}
