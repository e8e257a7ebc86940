import { z } from 'zod';
import { exportFormatSchema, idSchema, runIdSchema } from '../../shared/api/schemas';
import { thumbSizeSchema } from '../services/api/media';

// The one validation of the HTTP API's parameters (path parts and query strings): a malformed value is a ZodError,
// which every endpoint answers with 400 invalid-args naming the parameter, never a 500.

/** A positive row id written in decimal digits (`/api/images/<id>/...`). */
const idParam = z
  .string()
  .regex(/^[0-9]{1,15}$/, 'must be a positive whole number')
  .transform(Number)
  .pipe(idSchema);

/** An upload batch: a name the page made (letters, digits, - and _). */
const batchParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _');

/** A safe relative path for an uploaded file: no absolute paths, no `..`, no odd characters. */
export function safeRelative(raw: string): string | null {
  const parts = raw
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s && s !== '.');
  if (!parts.length || parts.some((s) => s === '..' || /[\0:]/.test(s) || s.length > 200)) return null;
  return parts.join('/');
}

const relativePathParam = z.string().transform((raw, ctx) => {
  const rel = safeRelative(raw);
  if (rel === null) {
    ctx.addIssue({ code: 'custom', message: 'must be a relative path inside the upload (no .., no :)' });
    return z.NEVER;
  }
  return rel;
});

/** Each endpoint's parameters. */
export const httpParams = {
  image: z.object({ id: idParam, size: thumbSizeSchema }),
  upload: z.object({ batch: batchParam, path: relativePathParam }),
  uploadBatch: z.object({ batch: batchParam }),
  export: z.object({ format: exportFormatSchema }),
  model: z.object({ runId: runIdSchema }),
};

/**
 * An endpoint's parameters from its query string plus the parts its path captured (`extra`); throws a ZodError
 * (a 400) naming each malformed one. Other query parameters (token, session) are not this helper's business.
 */
export function readParams<S extends z.ZodType>(
  schema: S,
  url: URL,
  extra: Record<string, string> = {},
): z.output<S> {
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] ??= v;
  return schema.parse({ ...query, ...extra });
}
