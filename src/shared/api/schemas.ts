import { z } from 'zod';
import { EXPORT_FORMATS, IMPORT_FORMATS } from '../domain/formats';
import { armSettingsSchema, compareBaseSchema, runSettingsSchema } from '../domain/run-config';
import { BACKEND_REQUESTS } from '../domain/runs';
import { nameProblem, type NamedThing } from '../names';
import { studioArgSchemas } from './studio-schemas';

/** Validators for every argument that crosses a transport (IPC or WebSocket); services trust only validated input. */
export const splitSchema = z.enum(['train', 'val', 'test']);
/** Image status validator. */
export const imageStatusSchema = z.enum(['unlabeled', 'labeled', 'empty', 'reviewed']);
/** A finite number: NaN and Infinity never reach the store. */
export const finite = z.number().finite();
/** A box in image pixels. */
export const boxSchema = z.object({ x: finite, y: finite, w: finite.positive(), h: finite.positive() });
/** A row id. */
export const idSchema = z.number().int().positive();
/** A hex colour such as #e6194b. */
export const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/);
/** Class hotkey: a single key, or none. */
export const hotkeySchema = z.string().min(1).max(1).nullable();
/** Import formats a person can pick. */
export const importFormatSchema = z.enum(IMPORT_FORMATS);
/** Export formats a person can pick. */
export const exportFormatSchema = z.enum(EXPORT_FORMATS);

/**
 * A class or project name: the shared rule (src/shared/names.ts), checked before surrounding spaces are trimmed,
 * so the API refuses a bad name as invalid-args in the same words as the CLI, imports and the store.
 */
export const nameSchema = (kind: NamedThing) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const problem = nameProblem(kind, v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((v) => v.trim());

/** Filters of the image list. */
export const imageFilterSchema = z
  .object({
    status: imageStatusSchema.optional(),
    split: splitSchema.optional(),
    classId: idSchema.optional(),
    hasPending: z.boolean().optional(),
  })
  .strict();

/** A run id as the services make them (r<timestamp>-<hex>); nothing else reaches a path. */
export const runIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** A study id as studies.* take it (same characters as a run id). */
export const studyIdSchema = runIdSchema;

/** Argument schemas per contract method. */
export const argSchemas = {
  'project.create': z.object({ dir: z.string().min(1), name: nameSchema('project').optional() }).strict(),
  'project.open': z.object({ dir: z.string().min(1) }).strict(),
  'project.info': z.object({}).strict(),
  'project.stats': z.object({}).strict(),
  'classes.list': z.object({}).strict(),
  'classes.create': z
    .object({
      name: nameSchema('class'),
      color: colorSchema.optional(),
      hotkey: hotkeySchema.optional(),
    })
    .strict(),
  'classes.update': z
    .object({
      id: idSchema,
      name: nameSchema('class').optional(),
      color: colorSchema.optional(),
      hotkey: hotkeySchema.optional(),
      order: z.number().int().min(0).optional(),
    })
    .strict(),
  'classes.delete': z.object({ id: idSchema }).strict(),
  'classes.merge': z.object({ fromId: idSchema, toId: idSchema }).strict(),
  'images.page': z
    .object({
      filter: imageFilterSchema.default({}),
      after: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(),
  'images.get': z.object({ id: idSchema }).strict(),
  'images.setStatus': z.object({ id: idSchema, status: imageStatusSchema }).strict(),
  'annotations.create': boxSchema
    .extend({
      imageId: idSchema,
      classId: idSchema,
      difficult: z.boolean().optional(),
      truncated: z.boolean().optional(),
    })
    .strict(),
  'annotations.update': z
    .object({
      id: idSchema,
      x: finite.optional(),
      y: finite.optional(),
      w: finite.positive().optional(),
      h: finite.positive().optional(),
      classId: idSchema.optional(),
      difficult: z.boolean().optional(),
      truncated: z.boolean().optional(),
      state: z.enum(['accepted', 'pending']).optional(),
    })
    .strict(),
  'annotations.delete': z.object({ id: idSchema }).strict(),
  'datasets.import': z
    .object({
      format: importFormatSchema,
      from: z.string().min(1),
      images: z.string().min(1).optional(),
      split: splitSchema.optional(),
      link: z.boolean().optional(),
      skipBad: z.boolean().optional(),
      verifyPixels: z.boolean().optional(),
    })
    .strict(),
  'datasets.export': z.object({ format: exportFormatSchema, to: z.string().min(1) }).strict(),
  'runs.list': z.object({}).strict(),
  'runs.epochs': z.object({ runId: z.string().min(1) }).strict(),
  // Added for the labeling workspace (issue 4): filter counts, class-level undo, restoring deleted boxes.
  'images.counts': z.object({}).strict(),
  'annotations.forClass': z.object({ classId: idSchema }).strict(),
  'annotations.createMany': z
    .object({
      items: z
        .array(
          boxSchema
            .extend({
              imageId: idSchema,
              classId: idSchema,
              difficult: z.boolean().optional(),
              truncated: z.boolean().optional(),
              source: z.enum(['manual', 'predicted']).optional(),
              score: finite.min(0).max(1).nullable().optional(),
              state: z.enum(['accepted', 'pending']).optional(),
            })
            .strict(),
        )
        .max(100_000),
    })
    .strict(),
  'annotations.setClassMany': z.object({ ids: z.array(idSchema).max(100_000), classId: idSchema }).strict(),
  // Training and experiments (issue 5).
  'runs.rows': z.object({}).strict(),
  'runs.queue': z.object({}).strict(),
  'runs.preflight': z.object({}).strict(),
  'runs.start': z.object({ configs: z.array(runSettingsSchema).min(1).max(200) }).strict(),
  // Every arm over seeds 0..seeds-1 on one frozen manifest (`ridge compare`, the panel's Compare preset).
  'runs.startCompare': z
    .object({
      arms: z.array(armSettingsSchema).min(1).max(50),
      seeds: z.number().int().min(1, 'must be a whole number from 1 to 100').max(100),
      base: compareBaseSchema.default({}),
      name: z.string().trim().min(1).max(200).optional(),
      baseline: z.string().optional(),
    })
    .strict(),
  // Studies (issue 14): the records runs.startCompare makes.
  'studies.list': z.object({}).strict(),
  'studies.show': z.object({ studyId: studyIdSchema, report: z.boolean().optional() }).strict(),
  'studies.cancel': z.object({ studyId: studyIdSchema }).strict(),
  'studies.delete': z.object({ studyId: studyIdSchema }).strict(),
  'studies.resume': z.object({ studyId: studyIdSchema }).strict(),
  'runs.cancel': z.object({ runId: runIdSchema }).strict(),
  'runs.resume': z.object({ runId: runIdSchema }).strict(),
  'runs.rename': z.object({ runId: runIdSchema, name: z.string().trim().max(100) }).strict(),
  'runs.delete': z.object({ runIds: z.array(runIdSchema).min(1).max(1000) }).strict(),
  'runs.compare': z
    .object({
      runIds: z.array(runIdSchema).min(1).max(1000),
      baseline: z.string().optional(),
      /** Also write a self-contained report.html under runs/compare-<time>/ (its path comes back). */
      report: z.boolean().optional(),
    })
    .strict(),
  // Detections of a done run's model on a folder of images, in the trainer process (`ridge predict`).
  'runs.predict': z
    .object({
      runId: runIdSchema,
      images: z.string().min(1),
      scoreThreshold: finite.min(0).max(1).default(0.05),
      backend: z.enum(BACKEND_REQUESTS as [string, ...string[]]).optional(),
      flipTta: z.boolean().optional(),
    })
    .strict(),
  'runs.testEval': z.object({ runId: runIdSchema }).strict(),
  // A done run's test mAP50-95 under corruptions, measured in a trainer process and stored (`ridge robustness`).
  'runs.robustness': z.object({ runId: runIdSchema }).strict(),
  // The saliency map of one detection (best first) of one image of a done run's manifest.
  'runs.saliency': z
    .object({
      runId: runIdSchema,
      imageId: z.number().int().min(1),
      detection: z.number().int().min(0).default(0),
    })
    .strict(),
  'labeling.prelabel': z
    .object({
      runId: runIdSchema.optional(),
      /** The COCO-pretrained detector instead of a run; map: COCO class to project class (by name when absent). */
      coco: z
        .object({ map: z.record(z.string().min(1), z.string().min(1)).optional() })
        .strict()
        .optional(),
      scoreThreshold: finite.min(0).max(1),
      limit: z.number().int().min(1).max(100_000).optional(),
    })
    .strict()
    .refine((a) => (a.runId === undefined) !== (a.coco === undefined), {
      message: 'pre-label with either a run (runId) or the COCO model (coco), exactly one of them',
    }),
  // The studio's overview, sorted list, split and removal (issue 16).
  ...studioArgSchemas({ idSchema, imageFilterSchema, splitSchema }),
} as const;

/** Names of every contract method. */
export type MethodName = keyof typeof argSchemas;
/** The validated argument type of a method. */
export type ArgsOf<M extends MethodName> = z.output<(typeof argSchemas)[M]>;
/** What a caller may pass (defaults filled in by validation). */
export type InputOf<M extends MethodName> = z.input<(typeof argSchemas)[M]>;
