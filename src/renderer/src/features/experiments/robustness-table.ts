// A run's stored robustness as the panel's table: one row per corruption, one column per severity.
import type { RunRobustness } from '../../../../shared/domain/runs';

/** Corruption names as a person reads them (the trainer's keys otherwise). */
const CORRUPTION_NAMES: Record<string, string> = {
  gaussian_noise: 'Gaussian noise',
  gaussian_blur: 'Gaussian blur',
  brightness: 'brightness',
  contrast: 'contrast',
  jpeg: 'JPEG compression',
};

/** The table of a run's robustness: severities in order, each corruption's scores by severity (null if absent). */
export interface RobustnessGrid {
  severities: number[];
  rows: { corruption: string; name: string; scores: (number | null)[] }[];
}

/** Corruption x severity of test mAP50-95, in the order the trainer measured them. */
export function robustnessGrid(r: RunRobustness): RobustnessGrid {
  const severities = [...new Set(r.scores.map((s) => s.severity))].sort((a, b) => a - b);
  const corruptions = [...new Set(r.scores.map((s) => s.corruption))];
  return {
    severities,
    rows: corruptions.map((c) => ({
      corruption: c,
      name: CORRUPTION_NAMES[c] ?? c.replace(/_/g, ' '),
      scores: severities.map(
        (sev) => r.scores.find((s) => s.corruption === c && s.severity === sev)?.mAP50_95 ?? null,
      ),
    })),
  };
}
