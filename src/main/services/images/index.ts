// The images service: probing, hashing, duplicates, thumbnails and display conversion (sharp + a BMP reader).
/** Probing files for import. */
export * from './probe';
/** Content hashes and duplicate detection. */
export * from './hash';
/** Cached thumbnails and browser-ready bytes. */
export * from './thumbnails';
/** Format sniffing and the accepted formats. */
export * from './sniff';
/** The BMP reader sharp lacks. */
export * from './bmp';
/** The small concurrency pool. */
export * from './pool';
