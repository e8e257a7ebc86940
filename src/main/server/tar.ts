import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';

/** One file to put in a tar archive. */
export interface TarFile {
  name: string;
  abs: string;
  size: number;
  mtime: number;
}

/** Every file under a folder, with names relative to it (forward slashes), for an archive. */
export function listTree(root: string, prefix = ''): TarFile[] {
  const out: TarFile[] = [];
  for (const n of readdirSync(root).sort()) {
    const abs = path.join(root, n);
    const st = statSync(abs);
    const name = prefix ? `${prefix}/${n}` : n;
    if (st.isDirectory()) out.push(...listTree(abs, name));
    else if (st.isFile()) out.push({ name, abs, size: st.size, mtime: Math.floor(st.mtimeMs / 1000) });
  }
  return out;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A POSIX ustar header (names up to 255 bytes via the prefix field); no package needed for a download. */
export function tarHeader(f: Pick<TarFile, 'name' | 'size' | 'mtime'>): Buffer {
  const h = Buffer.alloc(512);
  let name = f.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', name.length - 1);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155)
      throw new Error(`path too long for tar: ${f.name}`);
  }
  h.write(name, 0, 100);
  h.write(octal(0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(f.size, 12), 124);
  h.write(octal(f.mtime, 12), 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

/** Stream files as a tar archive into `out` (an HTTP response), then end it. */
export async function writeTar(files: TarFile[], out: Writable): Promise<void> {
  const write = (b: Buffer) =>
    new Promise<void>((resolve, reject) => out.write(b, (e) => (e ? reject(e) : resolve())));
  for (const f of files) {
    await write(tarHeader(f));
    for await (const chunk of createReadStream(f.abs)) await write(chunk as Buffer);
    const pad = (512 - (f.size % 512)) % 512;
    if (pad) await write(Buffer.alloc(pad));
  }
  await write(Buffer.alloc(1024));
  out.end();
}
