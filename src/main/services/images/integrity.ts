import type { ImageFormat } from './sniff';

/**
 * Whether an encoded image is complete, read from its container structure alone (no pixel decoding): a JPEG
 * reaches its end-of-image marker after the scan data, a PNG reaches its IEND chunk, a WebP holds as many bytes
 * as its RIFF header declares. This catches files cut short (the usual corruption: an interrupted copy or
 * download) at a fraction of a full decode's cost. Returns null when complete, else what is wrong. TIFF and
 * BMP have no such end marker: callers decode those.
 */
export function structuralProblem(buf: Buffer, format: ImageFormat): string | null {
  switch (format) {
    case 'jpeg':
      return jpegProblem(buf);
    case 'png':
      return pngProblem(buf);
    case 'webp':
      return webpProblem(buf);
    default:
      return null;
  }
}

/** Formats structuralProblem can judge without decoding. */
export function hasStructuralCheck(format: ImageFormat): boolean {
  return format === 'jpeg' || format === 'png' || format === 'webp';
}

const EOI = Buffer.from([0xff, 0xd9]);

function jpegProblem(buf: Buffer): string | null {
  // Walk the marker segments up to the first scan (SOS); APP segments may hold a thumbnail with its own EOI.
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) return 'JPEG marker structure broken';
    const marker = buf[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    if (marker === 0xd9) return 'JPEG ends before its image data';
    const len = buf.readUInt16BE(i + 2);
    if (len < 2) return 'JPEG segment length invalid';
    if (marker === 0xda) {
      // Inside scan data a 0xFF byte is always stuffed (FF 00) or a restart/next-scan marker, so the first
      // FF D9 after the scan header is the real end of the image.
      return buf.indexOf(EOI, i + 2 + len) >= 0 ? null : 'JPEG data cut off (no end-of-image marker)';
    }
    i += 2 + len;
  }
  return 'JPEG data cut off before the image data';
}

function pngProblem(buf: Buffer): string | null {
  let i = 8;
  while (i + 12 <= buf.length) {
    const len = buf.readUInt32BE(i);
    const type = buf.toString('latin1', i + 4, i + 8);
    const next = i + 12 + len;
    if (next > buf.length) return `PNG data cut off inside a ${type} chunk`;
    if (type === 'IEND') return null;
    i = next;
  }
  return 'PNG data cut off (no IEND chunk)';
}

function webpProblem(buf: Buffer): string | null {
  if (buf.length < 12) return 'WebP header cut off';
  const declared = buf.readUInt32LE(4) + 8;
  return buf.length >= declared ? null : `WebP data cut off (${buf.length} of ${declared} bytes)`;
}
