// The one set of rules for a run's settings: the CLI's flags, the API's runs.start / runs.startCompare and the
// trainer's own guard all validate with these schemas, so every door refuses the same things with the same words.
import { z } from 'zod';
import {
  BACKBONES,
  BACKEND_REQUESTS,
  type BackendRequest,
  DEFAULT_LAMBDA,
  DEFAULT_RUN_CONFIG,
  MAX_DET_LIMIT,
  REG_MODES,
  type RegMode,
  type RunConfig,
} from './runs';

const finite = z.number().finite();
const intFrom = (min: number, max: number) =>
  z
    .number()
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);

/** Each setting's own rule, written once (a new setting is one line here plus its default in runs.ts). */
const SETTING_RULES = {
  reg: z.enum(REG_MODES as [RegMode, ...RegMode[]], `must be one of ${REG_MODES.join(', ')}`),
  lambda: finite.min(0, 'must be a number >= 0'),
  epochs: intFrom(1, 10_000),
  seed: intFrom(0, 2 ** 31 - 1),
  imgSize: intFrom(64, 1280).refine((v) => v % 16 === 0, 'must be a multiple of 16'),
  batchSize: intFrom(2, 512),
  learningRate: finite.gt(0, 'must be above 0 and below 1').lt(1, 'must be above 0 and below 1'),
  backend: z.enum(
    BACKEND_REQUESTS as [BackendRequest, ...BackendRequest[]],
    `must be one of ${BACKEND_REQUESTS.join(', ')}`,
  ),
  widthMultiplier: finite.gt(0, 'must be above 0 and at most 4').max(4, 'must be above 0 and at most 4'),
  backbone: z.enum(BACKBONES, `must be one of ${BACKBONES.join(', ')}`),
  robustness: z.boolean('must be true or false'),
  analysisImages: intFrom(1, 100_000),
  maxDet: intFrom(1, MAX_DET_LIMIT),
  arm: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
};

/** The strength a mode gets when none is given: 0 for none, else the mode's default (DEFAULT_LAMBDA). */
export function defaultLambda(reg: RegMode): number {
  return DEFAULT_LAMBDA[reg];
}

/** A mode's strength: none takes none, dropout's is a rate below 1. */
function checkStrength(c: { reg: RegMode; lambda: number }, ctx: z.RefinementCtx): void {
  if (c.reg === 'none' && c.lambda !== 0)
    ctx.addIssue({
      code: 'custom',
      path: ['lambda'],
      message: "reg 'none' takes no strength: lambda must be 0",
    });
  if (c.reg === 'dropout' && !(c.lambda < 1))
    ctx.addIssue({
      code: 'custom',
      path: ['lambda'],
      message: 'must be below 1 (with reg dropout it is the dropout rate)',
    });
}

/** The pretrained backbones' strides need an image size that is a multiple of 32. */
function checkSize(c: { imgSize: number; backbone?: RunConfig['backbone'] }, ctx: z.RefinementCtx): void {
  const backbone = c.backbone ?? 'scratch';
  if (backbone !== 'scratch' && c.imgSize % 32 !== 0)
    ctx.addIssue({
      code: 'custom',
      path: ['imgSize'],
      message: `must be a multiple of 32 with the ${backbone} backbone`,
    });
}

const settingsObject = z
  .object({
    reg: SETTING_RULES.reg.optional(),
    lambda: SETTING_RULES.lambda.optional(),
    epochs: SETTING_RULES.epochs.optional(),
    seed: SETTING_RULES.seed.optional(),
    imgSize: SETTING_RULES.imgSize.optional(),
    batchSize: SETTING_RULES.batchSize.optional(),
    learningRate: SETTING_RULES.learningRate.optional(),
    backend: SETTING_RULES.backend.optional(),
    widthMultiplier: SETTING_RULES.widthMultiplier.optional(),
    backbone: SETTING_RULES.backbone.optional(),
    robustness: SETTING_RULES.robustness.optional(),
    analysisImages: SETTING_RULES.analysisImages.optional(),
    maxDet: SETTING_RULES.maxDet.optional(),
    arm: SETTING_RULES.arm.optional(),
  })
  .strict();

/** Settings of one run as a caller gives them (validated by runSettingsSchema). */
export type RunSettings = z.output<typeof settingsObject>;

/** The config settings run with: the defaults of a plain Train click, and the mode's default strength. */
export function withDefaults(s: RunSettings): Omit<RunConfig, 'arm'> & { arm?: string } {
  const reg = s.reg ?? DEFAULT_RUN_CONFIG.reg;
  const { arm: _defaultArm, ...defaults } = DEFAULT_RUN_CONFIG;
  return { ...defaults, ...s, reg, lambda: s.lambda ?? defaultLambda(reg) };
}

/** The settings a caller may give for one run; every field falls back to what a plain Train click uses. */
export const runSettingsSchema = settingsObject.superRefine((s, ctx) => {
  const c = withDefaults(s);
  checkStrength(c, ctx);
  checkSize(c, ctx);
});

/** A stored or received run config, whole: the trainer refuses anything else before it trains. */
export const runConfigSchema = z
  .object({
    ...SETTING_RULES,
    backbone: SETTING_RULES.backbone.optional(),
    robustness: SETTING_RULES.robustness.optional(),
    analysisImages: SETTING_RULES.analysisImages.optional(),
    maxDet: SETTING_RULES.maxDet.optional(),
    optimizer: z.literal('adam'),
  })
  .superRefine((c, ctx) => {
    checkStrength(c, ctx);
    checkSize(c, ctx);
  });

/** One arm of a comparison: a mode and (optionally) its strength, under the same rules as a run's. */
export const armSettingsSchema = z
  .object({ reg: SETTING_RULES.reg, lambda: SETTING_RULES.lambda.optional() })
  .strict()
  .superRefine((a, ctx) => checkStrength({ reg: a.reg, lambda: a.lambda ?? defaultLambda(a.reg) }, ctx));

/** The settings every run of a comparison shares (mode, strength, seed and arm come from the plan). */
export const compareBaseSchema = settingsObject
  .omit({ reg: true, lambda: true, seed: true, arm: true })
  .superRefine((s, ctx) => checkSize(withDefaults(s), ctx));

/**
 * `none,l2=5e-4,wd=5e-2,dropout=0.2` as arm settings (syntax only; the schema judges modes and strengths):
 * the CLI's --arms and anything else that takes arms as text.
 */
export function parseArmList(spec: string): { reg: string; lambda?: number }[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const [reg = '', value] = part.split('=');
      return value === undefined ? { reg: reg.trim() } : { reg: reg.trim(), lambda: Number(value) };
    });
}
