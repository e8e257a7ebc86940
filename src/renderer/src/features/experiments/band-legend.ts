// The mean ± sd bands of the compare charts without their clutter: uPlot lists every series in the legend, and
// a band needs two (its upper and lower edge). The edges carry a class that experiments.css hides in the
// legend and the cursor, and they follow their arm's mean line when it is shown or hidden from the legend.
import type uPlot from 'uplot';

/** Class of band-edge series: experiments.css hides their legend rows and cursor points by it. */
export const BAND_EDGE_CLASS = 'band-edge';

/** One edge (mean + sd or mean - sd) of an arm's band: drawn only as the band's border, absent from the legend. */
export function bandEdge(label: string): uPlot.Series {
  return { label, class: BAND_EDGE_CLASS, stroke: 'transparent', points: { show: false } };
}

/**
 * A setSeries hook that keeps each band's edges shown exactly when their mean line is (a click on an arm's
 * legend entry, or a ctrl-click that isolates it, takes its band along). `links` maps mean index -> edge indexes.
 */
export function bandsFollowMeans(
  links: ReadonlyMap<number, readonly number[]>,
): (u: uPlot, seriesIdx: number | null, opts: uPlot.Series) => void {
  return (u, _i, opts) => {
    if (opts.show === undefined) return;
    for (const [mean, edges] of links) {
      const show = u.series[mean]?.show ?? true;
      for (const e of edges) if (u.series[e] && u.series[e].show !== show) u.setSeries(e, { show }, false);
    }
  };
}
