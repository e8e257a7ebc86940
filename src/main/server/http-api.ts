import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { exportFormatSchema } from '../../shared/api/schemas';
import { toApiError } from '../services/api/errors';
import type { StudioSession } from '../services/api/session';
import { NoProjectError } from '../../shared/errors';
import { imageMedia } from '../services/api/media';
import { exportDataset } from '../services/datasets/export';
import { ImageReadError } from '../services/images/thumbnails';
import { hasModel, modelDirOf } from '../services/runs/run-files';
import { listTree, writeTar } from './tar';

/** Folder inside a project where browser uploads wait for the normal import service. */
export const STAGING_DIR = '.staging';
/** Largest single uploaded file (a big TIFF fits; a runaway upload does not). */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function fail(res: ServerResponse, err: unknown): void {
  if (err instanceof ImageReadError) return json(res, 422, { code: 'user', message: err.message });
  const e = toApiError(err);
  json(res, e.code === 'internal' ? 500 : e.code === 'no-project' ? 409 : 400, e);
}

/** A safe relative path for an uploaded file: no absolute paths, no `..`, no odd characters. */
export function safeRelative(raw: string): string | null {
  const parts = raw
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s && s !== '.');
  if (!parts.length || parts.some((s) => s === '..' || /[\0:]/.test(s) || s.length > 200)) return null;
  return parts.join('/');
}

/**
 * Handle an authenticated `/api/*` HTTP request (the WebSocket carries the contract; these carry bytes). Each
 * request names its tab's session (`?session=`), so images and downloads come from that tab's project.
 */
export async function handleApi(
  sessionOf: () => StudioSession | null,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const m = req.method ?? 'GET';
  const p = url.pathname;
  try {
    if (p === '/api/health' && m === 'GET') return json(res, 200, { ok: true });
    const session = sessionOf();
    if (!session)
      throw new NoProjectError('this request names no live session (reload the page to get a new one)');
    const img = /^\/api\/images\/(\d+)\/(file|thumb)$/.exec(p);
    if (img && m === 'GET') {
      const size = Math.min(1024, Math.max(32, Number(url.searchParams.get('size')) || 256));
      const media = await imageMedia(session.project, Number(img[1]), img[2] as 'file' | 'thumb', size);
      if (req.headers['if-none-match'] === media.etag) {
        res.writeHead(304);
        return void res.end();
      }
      res.writeHead(200, {
        'Content-Type': media.mime,
        'Cache-Control': 'private, max-age=86400',
        ETag: media.etag,
        'X-Content-Type-Options': 'nosniff',
      });
      if (media.file) return void createReadStream(media.file).pipe(res);
      return void res.end(media.buffer);
    }
    if (p === '/api/upload' && m === 'POST') return await upload(session, req, res, url);
    if (p === '/api/upload' && m === 'DELETE') {
      const batch = url.searchParams.get('batch') ?? '';
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(batch)) return json(res, 400, { message: 'bad batch id' });
      await rm(path.join(session.project.dir, STAGING_DIR, batch), { recursive: true, force: true });
      return json(res, 200, { ok: true });
    }
    if (p === '/api/export' && m === 'GET') return await exportTar(session, res, url);
    const model = /^\/api\/runs\/([A-Za-z0-9_-]{1,64})\/model$/.exec(p);
    if (model && m === 'GET') return await modelTar(session, res, model[1]!);
    json(res, 404, { message: `no such endpoint: ${m} ${p}` });
  } catch (err) {
    if (!res.headersSent) fail(res, err);
    else res.destroy();
  }
}

async function upload(session: StudioSession, req: IncomingMessage, res: ServerResponse, url: URL) {
  const batch = url.searchParams.get('batch') ?? '';
  const rel = safeRelative(url.searchParams.get('path') ?? '');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(batch) || !rel)
    return json(res, 400, { message: 'upload needs ?batch=<id>&path=<relative path>' });
  const len = Number(req.headers['content-length'] ?? 0);
  if (len > MAX_UPLOAD_BYTES) return json(res, 413, { message: 'file too large' });
  const dir = path.join(session.project.dir, STAGING_DIR, batch);
  const target = path.join(dir, rel);
  await mkdir(path.dirname(target), { recursive: true });
  let seen = 0;
  req.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > MAX_UPLOAD_BYTES) req.destroy(new Error('file too large'));
  });
  await pipeline(req, createWriteStream(target));
  json(res, 200, { dir, file: target, bytes: seen });
}

async function exportTar(session: StudioSession, res: ServerResponse, url: URL) {
  const format = exportFormatSchema.parse(url.searchParams.get('format'));
  const p = session.project;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'ridge-export-'));
  try {
    const out = path.join(tmp, 'dataset');
    await exportDataset(p, format, out);
    const files = listTree(out);
    const name = `${p.info().name.replace(/[^A-Za-z0-9_.-]+/g, '_') || 'dataset'}-${format}.tar`;
    res.writeHead(200, {
      'Content-Type': 'application/x-tar',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
    await writeTar(files, res);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A run's exported model (tfjs layers model + meta) as a tar download: "Export model" in the runs table. */
async function modelTar(session: StudioSession, res: ServerResponse, runId: string) {
  const p = session.project;
  if (!hasModel(p, runId))
    return json(res, 404, { code: 'user', message: `run ${runId} has no exported model` });
  res.writeHead(200, {
    'Content-Type': 'application/x-tar',
    'Content-Disposition': `attachment; filename="ridge-model-${runId}.tar"`,
    'Cache-Control': 'no-store',
  });
  await writeTar(listTree(modelDirOf(p, runId), 'model'), res);
}
