import path from 'node:path';
import { UserError } from '../../../shared/errors';
import { DEFAULT_THUMBNAIL_SIZE, ensureThumbnail, readImageForDisplay } from '../images/thumbnails';
import { CACHE_DIR, type Project } from '../project/project';

/** Image bytes for a front door (HTTP in `ridge serve`, a custom protocol in Electron); both share this lookup. */
export interface MediaBytes {
  mime: string;
  /** Bytes in memory (full images)... */
  buffer?: Buffer;
  /** ...or a cached file to stream (thumbnails). */
  file?: string;
  etag: string;
}

/** Which rendition of an image a front door asks for. */
export type MediaKind = 'file' | 'thumb';

/** The bytes to show image `id` (full file, or a cached WebP thumbnail of `size` px); unknown ids are user errors. */
export async function imageMedia(
  p: Project,
  id: number,
  kind: MediaKind,
  size = DEFAULT_THUMBNAIL_SIZE,
): Promise<MediaBytes> {
  const img = p.images.byId(id);
  if (!img) throw new UserError(`image ${id} does not exist`);
  if (kind === 'thumb') {
    const file = await ensureThumbnail(p.imagePath(img), path.join(p.dir, CACHE_DIR), img.sha256, size);
    return { mime: 'image/webp', file, etag: `"${img.sha256.slice(0, 16)}-${size}"` };
  }
  const shown = await readImageForDisplay(p.imagePath(img));
  return { mime: shown.mime, buffer: shown.buffer, etag: `"${img.sha256.slice(0, 16)}"` };
}
