// What webgpu-child.ts trains, shared with webgpu-swiftshader.test.ts (which must not import the child itself:
// importing it would run it).
import type { RegMode } from '../../../src/shared/domain/runs';

/** The mode trained through the whole engine; the others train STEP_MODES steps each. */
export const FULL_MODE: RegMode = 'l2';
/**
 * The other modes and their steps: the first step's loss shows the penalty (l1) or the dropout mask; decoupled
 * weight decay acts in the update, so it shows from the second step on.
 */
export const STEP_MODES: Readonly<Partial<Record<RegMode, number>>> = { none: 1, wd: 2, l1: 1, dropout: 1 };
