import type { Protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import type { StudioSession } from '../services/api/session';
import { imageMedia } from '../services/api/media';

/** The scheme the renderer uses for image bytes inside Electron (the web build uses /api/images over HTTP). */
export const MEDIA_SCHEME = 'ridge-media';

/** Serve `ridge-media://image/<id>/(file|thumb)[?size=N]` from the open project; anything else is a 404. */
export function registerMediaProtocol(protocol: Pick<Protocol, 'handle'>, session: StudioSession): void {
  protocol.handle(MEDIA_SCHEME, async (req) => {
    const url = new URL(req.url);
    const m = /^\/(\d+)\/(file|thumb)$/.exec(url.pathname);
    if (url.host !== 'image' || !m) return new Response('not found', { status: 404 });
    try {
      const size = Math.min(1024, Math.max(32, Number(url.searchParams.get('size')) || 256));
      const media = await imageMedia(session.project, Number(m[1]), m[2] as 'file' | 'thumb', size);
      const body = media.buffer ?? (await readFile(media.file!));
      return new Response(new Uint8Array(body), { headers: { 'Content-Type': media.mime } });
    } catch (err) {
      return new Response((err as Error).message, { status: 404 });
    }
  });
}
