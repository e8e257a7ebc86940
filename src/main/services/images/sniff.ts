/** Image formats Ridge Studio accepts on import. */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp' | 'tiff';

/** The accepted formats, for validation and messages. */
export const IMAGE_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'bmp', 'tiff'];

/** Browser-displayable MIME types, by format, for the formats served as they are. */
export const FORMAT_MIME: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
};

function startsWith(buf: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (buf.length < offset + bytes.length) return false;
  return bytes.every((b, i) => buf[offset + i] === b);
}

/**
 * The accepted format named by the file's first bytes (its signature), or null. Done before sharp so a
 * cut-off file of a known format reads as "truncated", not as "unsupported", and so BMP (which this sharp
 * build cannot read) is recognised at all.
 */
export function sniffFormat(buf: Uint8Array): ImageFormat | null {
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(buf, [0x52, 0x49, 0x46, 0x46]) && startsWith(buf, [0x57, 0x45, 0x42, 0x50], 8))
    return 'webp';
  if (startsWith(buf, [0x42, 0x4d]) && buf.length >= 18) return 'bmp';
  // Classic TIFF and BigTIFF, little- and big-endian.
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(buf, [0x49, 0x49, 0x2b, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  return null;
}

/** Names of well-known formats we refuse, so the message can say what the file is. */
export function sniffOtherFormat(buf: Uint8Array): string | null {
  if (startsWith(buf, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(buf, [0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = String.fromCharCode(...buf.subarray(8, 12));
    if (brand.startsWith('avi')) return 'avif';
    if (brand.startsWith('hei') || brand.startsWith('mif') || brand.startsWith('hev')) return 'heic';
  }
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  if (startsWith(buf, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) return 'jp2';
  if (startsWith(buf, [0xff, 0x0a]) || startsWith(buf, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20]))
    return 'jxl';
  if (startsWith(buf, [0x00, 0x00, 0x01, 0x00])) return 'ico';
  if (startsWith(buf, [0x38, 0x42, 0x50, 0x53])) return 'psd';
  return null;
}

/**
 * Whether the start of a file looks like text (no NUL, no control characters besides whitespace), so a
 * notes.txt renamed to .jpg gets "not an image (text file?)" instead of a decoder error.
 */
export function looksLikeText(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 4096);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = buf[i]!;
    if (c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x1b) continue;
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}
