import type uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import {
  BAND_EDGE_CLASS,
  bandEdge,
  bandsFollowMeans,
} from '../../../src/renderer/src/features/experiments/band-legend';

/** Just enough of a uPlot for the hook: series with a show flag, and setSeries that records its calls. */
function fakePlot(shows: boolean[]) {
  const calls: [number | null, boolean | undefined, boolean | undefined][] = [];
  const u = {
    series: shows.map((show) => ({ show })),
    setSeries(i: number | null, o: { show?: boolean }, fire?: boolean) {
      calls.push([i, o.show, fire]);
      if (i !== null && o.show !== undefined) u.series[i]!.show = o.show;
    },
  };
  return { u: u as unknown as uPlot, series: u.series, calls };
}

describe('compare chart legends', () => {
  it('band edges are transparent, pointless series marked with the class the stylesheet hides', () => {
    expect(bandEdge('l2 +sd')).toEqual({
      label: 'l2 +sd',
      class: BAND_EDGE_CLASS,
      stroke: 'transparent',
      points: { show: false },
    });
  });

  it("hiding an arm's mean line from the legend hides its band; showing it brings the band back", () => {
    // x, none mean, none +sd, none -sd, l2 mean, l2 +sd, l2 -sd
    const { u, series, calls } = fakePlot([true, true, true, true, true, true, true]);
    const hook = bandsFollowMeans(
      new Map([
        [1, [2, 3]],
        [4, [5, 6]],
      ]),
    );
    series[1]!.show = false;
    hook(u, 1, { show: false });
    expect(series.map((s) => s.show)).toEqual([true, false, false, false, true, true, true]);
    expect(calls.every(([, , fire]) => fire === false)).toBe(true);
    series[1]!.show = true;
    hook(u, 1, { show: true });
    expect(series.map((s) => s.show)).toEqual([true, true, true, true, true, true, true]);
    hook(u, 4, { focus: true } as uPlot.Series);
    expect(calls).toHaveLength(4);
  });

  it('isolating an arm (ctrl-click sets every series in turn) keeps that arm its band', () => {
    const { u, series } = fakePlot([true, true, true, true, true, true, true]);
    const hook = bandsFollowMeans(
      new Map([
        [1, [2, 3]],
        [4, [5, 6]],
      ]),
    );
    // uPlot isolating series 4: show 4, hide every other, one setSeries (and hook call) each, in order.
    for (let i = 1; i < 7; i++) {
      series[i]!.show = i === 4;
      hook(u, i, { show: i === 4 });
    }
    expect(series.map((s) => s.show)).toEqual([true, false, false, false, true, true, true]);
  });
});
