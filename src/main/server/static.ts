import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The page's Content-Security-Policy when served over HTTP (the bundle's meta tag says the same). */
export const SERVE_CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serve a file of the renderer bundle; paths outside the bundle folder are refused (404). Unknown paths get
 * index.html (the app routes itself). The bundle holds no project data, so it needs no token.
 */
export function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    rel = '/';
  }
  const abs = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  const inside = abs === root || abs.startsWith(root + path.sep);
  let file = inside && existsSync(abs) && statSync(abs).isFile() ? abs : null;
  if (!file && inside && !path.extname(abs)) file = path.join(root, 'index.html');
  if (!file || !existsSync(file)) {
    const built = existsSync(path.join(root, 'index.html'));
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(
      built ? 'not found\n' : `the renderer bundle is not built (${root}); run 'npx electron-vite build'\n`,
    );
    return;
  }
  const type = MIME[path.extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
    ...(type.startsWith('text/html') ? { 'Content-Security-Policy': SERVE_CSP } : {}),
  });
  createReadStream(file).pipe(res);
}
