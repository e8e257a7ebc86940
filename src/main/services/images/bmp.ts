/** What a BMP header states, after checking that the file holds all the pixel rows it promises. */
export interface BmpInfo {
  width: number;
  height: number;
  /** Rows are stored top row first (negative height in the header). */
  topDown: boolean;
  bitsPerPixel: number;
  pixelOffset: number;
  rowStride: number;
  /** Palette as packed [r, g, b] triples, for 1/4/8-bit images; empty otherwise. */
  palette: Uint8Array;
}

/** Why a BMP cannot be read: `truncated` (cut off / bad sizes) or `unsupported` (a variant we do not decode). */
export class BmpError extends Error {
  constructor(
    readonly kind: 'truncated' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'BmpError';
  }
}

/** Decoded BMP pixels, packed RGB, top row first, ready for `sharp(data, { raw })`. */
export interface BmpPixels {
  width: number;
  height: number;
  channels: 3;
  data: Buffer;
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const MAX_PIXELS = 268_402_689; // sharp's default limitInputPixels

/**
 * Parse and validate a BMP header (BITMAPINFOHEADER or the larger V4/V5 headers; 24/32-bit uncompressed,
 * 32-bit bitfields with the standard masks, 1/4/8-bit palettes). sharp 0.35's prebuilt libvips has no BMP
 * loader, so this is how BMP probing and thumbnails work. Throws BmpError.
 */
export function readBmpInfo(buf: Buffer): BmpInfo {
  if (buf.length < 26 || buf[0] !== 0x42 || buf[1] !== 0x4d)
    throw new BmpError('truncated', 'BMP header cut off');
  const pixelOffset = buf.readUInt32LE(10);
  const dibSize = buf.readUInt32LE(14);
  if (dibSize === 12) throw new BmpError('unsupported', 'OS/2 BMP (BITMAPCOREHEADER)');
  if (dibSize < 40) throw new BmpError('truncated', `BMP info header of ${dibSize} bytes`);
  if (buf.length < 14 + dibSize) throw new BmpError('truncated', 'BMP info header cut off');
  const width = buf.readInt32LE(18);
  const rawHeight = buf.readInt32LE(22);
  const bitsPerPixel = buf.readUInt16LE(28);
  const compression = buf.readUInt32LE(30);
  const colorsUsed = buf.readUInt32LE(46);
  if (width <= 0 || rawHeight === 0 || rawHeight === -2147483648) {
    throw new BmpError('truncated', `BMP size ${width}x${rawHeight}`);
  }
  const height = Math.abs(rawHeight);
  if (width * height > MAX_PIXELS)
    throw new BmpError('unsupported', `BMP of ${width}x${height} is too large`);
  if (![1, 4, 8, 24, 32].includes(bitsPerPixel)) {
    throw new BmpError('unsupported', `${bitsPerPixel}-bit BMP`);
  }
  if (compression === BI_BITFIELDS && bitsPerPixel === 32) {
    // Masks follow a 40-byte header, or sit inside a V4/V5 header at the same offset.
    if (buf.length < 66) throw new BmpError('truncated', 'BMP bitfield masks cut off');
    const [r, g, b] = [buf.readUInt32LE(54), buf.readUInt32LE(58), buf.readUInt32LE(62)];
    if (r !== 0x00ff0000 || g !== 0x0000ff00 || b !== 0x000000ff) {
      throw new BmpError('unsupported', 'BMP with non-standard bitfield masks');
    }
  } else if (compression !== BI_RGB) {
    const kind =
      compression === 1 || compression === 2
        ? ', RLE'
        : compression === 4 || compression === 5
          ? ', embedded JPEG/PNG'
          : '';
    throw new BmpError('unsupported', `compression ${compression}${kind}`);
  }
  let palette = new Uint8Array(0);
  if (bitsPerPixel <= 8) {
    const count = colorsUsed > 0 ? Math.min(colorsUsed, 1 << bitsPerPixel) : 1 << bitsPerPixel;
    const start = 14 + dibSize;
    if (buf.length < start + count * 4) throw new BmpError('truncated', 'BMP palette cut off');
    palette = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) {
      palette[i * 3] = buf[start + i * 4 + 2]!;
      palette[i * 3 + 1] = buf[start + i * 4 + 1]!;
      palette[i * 3 + 2] = buf[start + i * 4]!;
    }
  }
  const rowStride = Math.floor((bitsPerPixel * width + 31) / 32) * 4;
  // The last row need not be padded: some writers omit its trailing pad bytes.
  const needed = pixelOffset + rowStride * (height - 1) + Math.ceil((bitsPerPixel * width) / 8);
  if (pixelOffset < 14 + dibSize || buf.length < needed) {
    throw new BmpError('truncated', `BMP pixel data cut off (${buf.length} of ${needed} bytes)`);
  }
  return { width, height, topDown: rawHeight < 0, bitsPerPixel, pixelOffset, rowStride, palette };
}

/** Decode a BMP into packed RGB (alpha of 32-bit files is dropped: most writers leave it zero). */
export function decodeBmp(buf: Buffer): BmpPixels {
  const info = readBmpInfo(buf);
  const { width, height, bitsPerPixel: bpp, palette } = info;
  const out = Buffer.alloc(width * height * 3);
  const paletteSize = palette.length / 3;
  for (let y = 0; y < height; y++) {
    const srcRow = info.pixelOffset + (info.topDown ? y : height - 1 - y) * info.rowStride;
    let o = y * width * 3;
    if (bpp === 24 || bpp === 32) {
      const step = bpp / 8;
      for (let x = 0, s = srcRow; x < width; x++, s += step) {
        out[o++] = buf[s + 2]!;
        out[o++] = buf[s + 1]!;
        out[o++] = buf[s]!;
      }
    } else {
      const perByte = 8 / bpp;
      const mask = (1 << bpp) - 1;
      for (let x = 0; x < width; x++) {
        const byte = buf[srcRow + Math.floor(x / perByte)]!;
        const shift = 8 - bpp * ((x % perByte) + 1);
        const idx = Math.min((byte >> shift) & mask, paletteSize - 1);
        out[o++] = palette[idx * 3]!;
        out[o++] = palette[idx * 3 + 1]!;
        out[o++] = palette[idx * 3 + 2]!;
      }
    }
  }
  return { width, height, channels: 3, data: out };
}

/** Encode packed RGB as a 24-bit BMP (bottom-up unless asked); tests use it, since sharp cannot write BMP. */
export function encodeBmp24(
  rgb: Uint8Array,
  width: number,
  height: number,
  opts: { topDown?: boolean } = {},
): Buffer {
  const rowStride = Math.floor((24 * width + 31) / 32) * 4;
  const pixelOffset = 54;
  const buf = Buffer.alloc(pixelOffset + rowStride * height);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(pixelOffset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(opts.topDown ? -height : height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(rowStride * height, 34);
  buf.writeInt32LE(2835, 38);
  buf.writeInt32LE(2835, 42);
  for (let y = 0; y < height; y++) {
    const dst = pixelOffset + (opts.topDown ? y : height - 1 - y) * rowStride;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      buf[dst + x * 3] = rgb[s + 2]!;
      buf[dst + x * 3 + 1] = rgb[s + 1]!;
      buf[dst + x * 3 + 2] = rgb[s]!;
    }
  }
  return buf;
}
