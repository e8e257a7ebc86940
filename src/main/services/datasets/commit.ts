import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageStatus, Split } from '../../../shared/domain/types';
import type { Project } from '../project/project';
import type { LabeledBox } from './formats/types';

/** A box ready to store: pixels, clipped, with a class name (the same shape an export writes). */
export type PreparedBox = LabeledBox;

/** An image ready to store: where its bytes come from, where they go, and its boxes. */
export interface PreparedImage {
  /** Bytes in memory (generator) or a file to copy or link (import). */
  source: { buffer: Buffer } | { file: string };
  /** Project-relative destination for copies (images/...); ignored when linking. */
  dest: string;
  link: boolean;
  sha256: string;
  width: number;
  height: number;
  split: Split;
  status: ImageStatus;
  boxes: PreparedBox[];
}

/** What a commit stored. */
export interface CommitResult {
  images: number;
  annotations: number;
  classesCreated: string[];
  imageIds: number[];
}

/** Pick a project-relative path under images/ that no stored image uses and no file occupies. */
export function freeImagePath(p: Project, wanted: string, sha256: string, taken: Set<string>): string {
  const posix = wanted.split(path.sep).join('/');
  const ext = path.posix.extname(posix);
  const stem = posix.slice(0, posix.length - ext.length);
  const candidates = [posix, `${stem}-${sha256.slice(0, 8)}${ext}`];
  for (let i = 2; i < 1000; i++) candidates.push(`${stem}-${sha256.slice(0, 8)}-${i}${ext}`);
  for (const c of candidates) {
    if (taken.has(c) || p.images.byPath(c) || existsSync(path.join(p.dir, c))) continue;
    taken.add(c);
    return c;
  }
  throw new Error(`no free file name for ${wanted}`);
}

/**
 * Store prepared images: copy bytes into the project first (each via a temp name and a rename), then write every
 * row in ONE transaction. If anything fails, the copies are removed and the database is unchanged, so an import
 * is all or nothing. Classes are created in the order given, before any box refers to them.
 */
export function commitImages(
  p: Project,
  classOrder: readonly string[],
  items: readonly PreparedImage[],
): CommitResult {
  const written: string[] = [];
  try {
    for (const it of items) {
      if (it.link) continue;
      const abs = path.join(p.dir, it.dest);
      mkdirSync(path.dirname(abs), { recursive: true });
      const part = `${abs}.part-${process.pid}`;
      if ('buffer' in it.source) writeFileSync(part, it.source.buffer);
      else copyFileSync(it.source.file, part);
      renameSync(part, abs);
      written.push(abs);
    }
    return p.tx(() => {
      const created: string[] = [];
      const classId = new Map<string, number>();
      const ensure = (name: string): number => {
        let id = classId.get(name);
        if (id === undefined) {
          const existing = p.classes.byName(name);
          const c = existing ?? p.classes.create(name);
          if (!existing) created.push(name);
          id = c.id;
          classId.set(name, id);
        }
        return id;
      };
      for (const name of classOrder) ensure(name);
      let annotations = 0;
      const imageIds: number[] = [];
      for (const it of items) {
        const stored = it.link
          ? path
              .relative(p.dir, (it.source as { file: string }).file)
              .split(path.sep)
              .join('/')
          : it.dest;
        const img = p.images.insert({
          sha256: it.sha256,
          path: stored,
          linked: it.link,
          width: it.width,
          height: it.height,
          split: it.split,
          status: it.status,
        });
        imageIds.push(img.id);
        for (const b of it.boxes) {
          p.annotations.insertId({ imageId: img.id, classId: ensure(b.label), ...b });
          annotations++;
        }
      }
      return { images: items.length, annotations, classesCreated: created, imageIds };
    });
  } catch (err) {
    for (const f of written) rmSync(f, { force: true });
    throw err;
  }
}
