import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/api/errors';
import { prelabelFailureMessage } from '../../../src/renderer/src/features/experiments/prelabel-failure';

describe('prelabelFailureMessage', () => {
  it('says what a dropped link means for the pass and that pressing again is safe', () => {
    const m = prelabelFailureMessage(new ApiError('offline', 'offline: the link to the server dropped'));
    expect(m).toContain('If the server kept running, the pass finishes there');
    expect(m).toContain('if the server stopped, the pass stored nothing');
    expect(m).toContain('already have pending boxes are skipped');
  });

  it("keeps the server's own words for every other failure", () => {
    const refusal = "none of the project's classes (RBC) is a COCO class: map COCO classes to them";
    expect(prelabelFailureMessage(new ApiError('invalid-args', refusal))).toBe(refusal);
    expect(prelabelFailureMessage(new Error('boom'))).toBe('boom');
  });
});
