import { describe, expect, it } from 'vitest';
import { NAME_MAX_LENGTH, nameProblem, usableName } from '../../../src/shared/names';

describe('the name rule', () => {
  it('accepts ordinary names, spaces and any script', () => {
    for (const n of ['cat', 'traffic light', 'a & b <c>', 'Ölkanne', '信号灯', 'x'.repeat(NAME_MAX_LENGTH)])
      expect(nameProblem('class', n), n).toBeNull();
  });

  it.each([
    ['a NUL', 'ca\u0000t', /control characters; "ca\\u0000t" has U\+0000 at position 3/],
    ['a newline', 'cat\n', /U\+000A at position 4/],
    ['a tab', '\tcat', /U\+0009 at position 1/],
    ['DEL', 'c\u007fat', /U\+007F/],
    ['a C1 control', 'c\u0085at', /U\+0085/],
    ['a line separator', 'c\u2028at', /U\+2028/],
    ['blank', '   ', /cannot be empty/],
    ['too long', 'x'.repeat(NAME_MAX_LENGTH + 1), /at most 100 characters; this one has 101/],
  ])('refuses %s, saying why', (_what, name, why) => {
    expect(nameProblem('class', name)).toMatch(why);
    expect(nameProblem('project', name)).toMatch(/project name/);
  });

  it('makes a usable default name from a folder name', () => {
    expect(usableName('my\u0000 photos\n', 'project')).toBe('my photos');
    expect(usableName('\u0001\u0002', 'project')).toBe('project');
    expect(usableName('y'.repeat(300), 'project')).toHaveLength(NAME_MAX_LENGTH);
  });
});
