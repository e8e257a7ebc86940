import { z } from 'zod';
import type { idSchema, imageFilterSchema, splitSchema } from './schemas';

/** The shared validators the studio schemas build on (passed in: schemas.ts imports this file). */
interface Base {
  idSchema: typeof idSchema;
  imageFilterSchema: typeof imageFilterSchema;
  splitSchema: typeof splitSchema;
}

/** Argument schemas of the studio methods (overview, sorted list, split, removal), merged into argSchemas. */
export function studioArgSchemas(b: Base) {
  const ids = z.array(b.idSchema).min(1).max(100_000);
  return {
    'project.overview': z.object({}).strict(),
    'images.list': z
      .object({
        filter: b.imageFilterSchema.default({}),
        search: z.string().max(200).optional(),
        removed: z.boolean().optional(),
      })
      .strict(),
    'images.byIds': z.object({ ids: z.array(b.idSchema).max(500) }).strict(),
    'images.setSplit': z.object({ ids, split: b.splitSchema }).strict(),
    'images.remove': z.object({ ids }).strict(),
    'images.restore': z.object({ ids }).strict(),
    'images.purgeRemoved': z.object({}).strict(),
  } as const;
}
