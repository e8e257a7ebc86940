import { describe, expect, it } from 'vitest';
import { figure } from '../../../src/shared/stats/study-stats';
import { figureText, STUDY_COLUMNS } from '../../../src/renderer/src/features/experiments/study-figures';

const col = (key: string) => STUDY_COLUMNS.find((c) => c.key === key)!;

describe('study table cells', () => {
  it('mAP in percent with sd and the 95% interval; other figures in their units', () => {
    // mean 0.41, sd 0.01, t(0.975, 2) = 4.303: half width 4.303 * 0.01 / sqrt(3) = 0.0248
    expect(figureText(figure([0.4, 0.41, 0.42]), col('testMAP50_95'))).toEqual({
      main: '41.0 ± 1.0',
      ci: '[38.5, 43.5]',
    });
    expect(figureText(figure([1.2, 1.4]), col('rPC')).main).toBe('1.30 ± 0.14');
  });

  it('one seed: the mean without sd or interval; no value: a dash; null from JSON reads as unknown', () => {
    expect(figureText(figure([0.3]), col('testMAP50'))).toEqual({ main: '30.0', ci: '' });
    expect(figureText(figure([]), col('mPC'))).toEqual({ main: '–', ci: '' });
    const wire = JSON.parse(JSON.stringify(figure([0.5]))) as ReturnType<typeof figure>;
    expect(wire.sd).toBeNull();
    expect(figureText(wire, col('gap'))).toEqual({ main: '0.500', ci: '' });
  });
});
