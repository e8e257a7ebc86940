import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { normalizeRel } from './paths';
import type { DatasetSource, Problem } from './types';

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** An in-memory dataset folder (relative POSIX path -> text), so parser tests need no disk. */
export function memorySource(files: Record<string, string>, root = 'memory'): DatasetSource {
  const byPath = new Map<string, string>();
  for (const [p, text] of Object.entries(files)) {
    const rel = normalizeRel(p);
    if (rel) byPath.set(rel, text);
  }
  const children = (dir: string, wantDirs: boolean): string[] => {
    const d = normalizeRel(dir);
    if (d === null) return [];
    const prefix = d === '' ? '' : `${d}/`;
    const out = new Set<string>();
    for (const p of byPath.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const i = rest.indexOf('/');
      if (wantDirs && i > 0) out.add(rest.slice(0, i));
      if (!wantDirs && i < 0) out.add(rest);
    }
    return [...out].sort();
  };
  return {
    root,
    list: (dir) => children(dir, false),
    listDirs: (dir) => children(dir, true),
    exists: (rel) => {
      const r = normalizeRel(rel);
      return r !== null && byPath.has(r);
    },
    readText: (rel) => {
      const r = normalizeRel(rel);
      const text = r === null ? undefined : byPath.get(r);
      if (text === undefined) throw new Error(`no such file: ${rel}`);
      return stripBom(text);
    },
  };
}

/** The real (symlink-free) form of a path; the path itself when it does not exist. */
export function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Whether a real path lies inside (or is) a real root folder. */
export function isInside(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

/** The words for a symlink leading out of a dataset, shared by the walk, file reads and the importer. */
export function leadsOutMessage(real: string): string {
  return `a symbolic link that leads out of the dataset folder (to ${real}); refused`;
}

/** Options for a dataset folder on disk. */
export interface FsSourceOptions {
  /** Told of each folder link it will not follow: out of the folder (an error, per image), or a loop (a warning). */
  onProblem?: (p: Problem) => void;
}

/**
 * A dataset folder on disk; relative paths that would leave `rootDir` are treated as missing. Symbolic links are
 * followed while they stay inside the folder: listing a folder reached through a link that leads out is refused
 * (an error naming it), a folder link back to one of its own ancestors (`ln -s . loop`) is not followed (a
 * warning), and reading a file whose real place is outside throws. Image files are checked by the importer.
 */
export function fsSource(rootDir: string, options: FsSourceOptions = {}): DatasetSource {
  const root = path.resolve(rootDir);
  const realRoot = realOrSelf(root);
  const told = new Set<string>();
  const tell = (p: Problem) => {
    const key = `${p.file}\0${p.message}`;
    if (told.has(key)) return;
    told.add(key);
    options.onProblem?.(p);
  };
  const abs = (rel: string): string | null => {
    const r = normalizeRel(rel);
    return r === null ? null : path.join(root, ...r.split('/').filter(Boolean));
  };
  const entries = (dir: string, wantDirs: boolean): string[] => {
    const d = abs(dir);
    if (d === null) return [];
    const real = realOrSelf(d);
    const rel = normalizeRel(dir) ?? dir;
    if (!isInside(real, realRoot)) {
      tell({ severity: 'error', file: rel, image: rel, message: leadsOutMessage(real) });
      return [];
    }
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const name of names) {
      try {
        const full = path.join(d, name);
        const st = statSync(full); // follows symlinks
        if (!(wantDirs ? st.isDirectory() : st.isFile())) continue;
        if (wantDirs) {
          const sub = realOrSelf(full);
          if (isInside(real, sub)) {
            const back = path.relative(realRoot, sub) || '.';
            const file = rel === '' ? name : `${rel}/${name}`;
            tell({
              severity: 'warning',
              file,
              message: `a symbolic link back to ${back} (a loop); not followed`,
            });
            continue;
          }
        }
        out.push(name);
      } catch {
        // a dangling link, a loop the system refuses to resolve, or a file removed meanwhile: not listed
      }
    }
    return out.sort();
  };
  return {
    root: rootDir,
    list: (dir) => entries(dir, false),
    listDirs: (dir) => entries(dir, true),
    exists: (rel) => {
      const a = abs(rel);
      if (a === null || !existsSync(a)) return false;
      try {
        return statSync(a).isFile();
      } catch {
        return false;
      }
    },
    readText: (rel) => {
      const a = abs(rel);
      if (a === null) throw new Error(`path leaves the dataset folder: ${rel}`);
      const real = realOrSelf(a);
      if (!isInside(real, realRoot)) throw new Error(leadsOutMessage(real));
      return stripBom(readFileSync(a, 'utf8'));
    },
  };
}

const MAX_DEPTH = 32;

/** Every file under `dir` (recursively), as paths relative to the source root, in sorted walk order. */
export function walkFiles(source: DatasetSource, dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string, depth: number): void => {
    for (const f of source.list(d)) out.push(d === '' ? f : `${d}/${f}`);
    if (depth >= MAX_DEPTH) return; // a symlink loop must not hang an import
    for (const sub of source.listDirs(d)) visit(d === '' ? sub : `${d}/${sub}`, depth + 1);
  };
  visit(dir, 0);
  return out;
}
