import { describe, expect, it } from 'vitest';
import { studyStatus } from '../../../src/shared/domain/study';

describe("a study's status from its runs", () => {
  it('follows the runs: queued, running, done, partial, cancelled, failed', () => {
    expect(studyStatus(['queued', 'queued'], false)).toBe('queued');
    expect(studyStatus(['done', 'queued'], false)).toBe('running');
    expect(studyStatus(['running', 'queued'], false)).toBe('running');
    expect(studyStatus(['done', 'done'], false)).toBe('done');
    expect(studyStatus(['done', 'failed'], false)).toBe('partial');
    expect(studyStatus(['done', 'cancelled'], true)).toBe('partial');
    expect(studyStatus(['cancelled', 'cancelled'], true)).toBe('cancelled');
    expect(studyStatus(['failed', 'cancelled'], true)).toBe('cancelled');
    expect(studyStatus(['failed', 'failed'], false)).toBe('failed');
    expect(studyStatus(['interrupted', 'done'], false)).toBe('partial');
  });
});
