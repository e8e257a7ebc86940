/** Dataset formats a person can import (the data view lists them in this order). */
export const IMPORT_FORMATS = ['images', 'coco', 'yolo', 'voc', 'createml', 'labelme', 'cvat'] as const;
/** One of IMPORT_FORMATS. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Dataset formats a project can be exported to. */
export const EXPORT_FORMATS = ['coco', 'yolo', 'voc', 'createml'] as const;
/** One of EXPORT_FORMATS. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
