import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { normalizeRel } from './paths';
import type { DatasetSource } from './types';

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

/** A dataset folder on disk; relative paths that would leave `rootDir` are treated as missing. */
export function fsSource(rootDir: string): DatasetSource {
  const root = path.resolve(rootDir);
  const abs = (rel: string): string | null => {
    const r = normalizeRel(rel);
    return r === null ? null : path.join(root, ...r.split('/').filter(Boolean));
  };
  const entries = (dir: string, wantDirs: boolean): string[] => {
    const d = abs(dir);
    if (d === null) return [];
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const name of names) {
      try {
        const st = statSync(path.join(d, name)); // follows symlinks
        if (wantDirs ? st.isDirectory() : st.isFile()) out.push(name);
      } catch {
        // a dangling link or a file removed meanwhile: not listed
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
