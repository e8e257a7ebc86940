import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunRowView, RunTestEval, SaliencyMapView } from '../../../../shared/api/runs-contract';
import type { Connection } from '../../api/client';
import './analysis.css';
import { CLIP_QUANTILE, DEFAULT_HEATMAP_OPACITY, legendGradient } from '../../../../shared/heatmap';
import { SaliencyCanvas } from './SaliencyCanvas';
import { analysisBlocker, defaultSaliencyPair, matchingDetection, saliencyError } from './saliency-pair';
import { PALETTE } from './UPlotChart';

/** A run's test evaluation (image list, ground truth, class names): the view's copy if loaded, else fetched. */
function useTestEval(
  conn: Connection,
  runId: string,
  usable: boolean,
  known: ReadonlyMap<string, RunTestEval>,
  managed: ReadonlySet<string>,
): { ev: RunTestEval | null; error: string | null } {
  const [own, setOwn] = useState<Map<string, RunTestEval | string>>(new Map());
  const have = known.get(runId) ?? own.get(runId);
  // A run the view loads itself arrives in `known`: asking too would evaluate it twice at once.
  const theirs = managed.has(runId);
  useEffect(() => {
    if (!usable || !runId || have !== undefined || theirs) return;
    let live = true;
    void conn.api['runs.testEval']({ runId }).then(
      (e) => live && setOwn((m) => new Map(m).set(runId, e)),
      (e: Error) => live && setOwn((m) => new Map(m).set(runId, e.message)),
    );
    return () => {
      live = false;
    };
  }, [conn, runId, usable, have, theirs]);
  if (typeof have === 'string') return { ev: null, error: have };
  return { ev: have ?? null, error: null };
}

type MapState = { map: SaliencyMapView } | { error: string };

/** The cache keys of one run's maps of one image start with this; mapKey adds the detection (best first). */
const imageKey = (runId: string, imageId: number) => `${runId}|${imageId}|`;
const mapKey = (runId: string, imageId: number, detection: number) => imageKey(runId, imageId) + detection;

/** Any computed map of an image by a run (each lists the image's detections and placement alike), or undefined. */
function anyMapOf(
  cache: ReadonlyMap<string, MapState>,
  runId: string | undefined,
  imageId: number | null,
): SaliencyMapView | undefined {
  if (!runId || imageId === null) return undefined;
  for (const [k, v] of cache) if (k.startsWith(imageKey(runId, imageId)) && 'map' in v) return v.map;
  return undefined;
}

/** One run's column: its saliency map of the chosen image and detection, or why there is none. */
function SaliencySide(p: {
  conn: Connection;
  k: number;
  row: RunRowView | undefined;
  models: readonly string[];
  imageId: number | null;
  image: RunTestEval['images'][number] | undefined;
  classes: readonly string[];
  detection: number;
  onDetection(d: number): void;
  opacity: number;
  cache: Map<string, MapState>;
  /** A map or its error is in the cache: the parent re-renders both sides and matches side 2 to side 1. */
  onCached(): void;
  /** Side 2 only: the detection chosen to match side 1's object, and its overlap; null when not matched. */
  matched: { index: number; iou: number } | null;
}) {
  const { row, imageId, detection } = p;
  const blocker = analysisBlocker(row, p.models, 'saliency maps need');
  const key = row && imageId !== null ? mapKey(row.id, imageId, detection) : '';
  const state = key ? p.cache.get(key) : undefined;
  useEffect(() => {
    if (blocker || !key || !row || imageId === null || p.cache.has(key)) return;
    void p.conn.api['runs.saliency']({ runId: row.id, imageId, detection }).then(
      (map) => {
        p.cache.set(key, { map });
        p.onCached();
      },
      (e: Error) => {
        p.cache.set(key, { error: saliencyError(e.message) });
        p.onCached();
      },
    );
  }, [p.conn, p.cache, p.onCached, key, blocker, row, imageId, detection]);
  // The detection list: this image's detections from any map of it computed so far (the list is the same).
  const ranked = (state && 'map' in state ? state.map : anyMapOf(p.cache, row?.id, imageId))?.ranked ?? [];
  const cls = (i: number) => p.classes[i] ?? `class ${i}`;
  const color = PALETTE[p.k]!;
  const map = state && 'map' in state ? state.map : null;
  return (
    <div className="saliency-side" data-testid={`saliency-side-${p.k + 1}`}>
      {blocker ? (
        <p className="hint" data-testid="saliency-blocked">
          {blocker}
        </p>
      ) : (
        <>
          <div className="xrow">
            <label className="hint">
              detection{' '}
              <select
                aria-label={`saliency detection ${p.k + 1}`}
                value={detection}
                disabled={ranked.length === 0}
                onChange={(e) => p.onDetection(Number(e.target.value))}
              >
                {ranked.length === 0 && <option value={detection}>best</option>}
                {ranked.map((d, i) => (
                  <option key={i} value={i}>
                    #{i + 1} {cls(d.classIndex)} {Math.round(100 * d.score)}%
                  </option>
                ))}
              </select>
            </label>
            {p.matched && (
              <span
                className="hint"
                data-testid="saliency-matched"
                data-index={p.matched.index}
                title="the detection of this run that lies on the object of run 1's chosen detection"
              >
                {p.matched.iou > 0
                  ? `on run 1's object (IoU ${p.matched.iou.toFixed(2)})`
                  : "no detection overlaps run 1's: its best"}
              </span>
            )}
            {map && (
              <span className="saliency-inbox" title="this image's saliencyInBox for this detection">
                saliencyInBox{' '}
                <b data-testid={`saliency-inbox-${p.k + 1}`} data-value={map.inBox ?? ''}>
                  {map.inBox === null ? '–' : map.inBox.toFixed(2)}
                </b>
              </span>
            )}
          </div>
          {p.image && (
            <SaliencyCanvas
              url={p.conn.imageUrl(p.image.id)}
              width={p.image.width}
              height={p.image.height}
              map={map}
              gt={p.image.gt}
              opacity={p.opacity}
              color={color}
              label={map ? `${cls(map.detection.classIndex)} ${Math.round(100 * map.detection.score)}%` : ''}
              testId={`saliency-canvas-${p.k + 1}`}
            />
          )}
          {!state && (
            <p className="hint">
              {imageId === null
                ? 'Waiting for the test images…'
                : 'Computing the saliency map in a trainer process…'}
            </p>
          )}
          {state && 'error' in state && (
            <p className="hint" data-testid="saliency-error">
              {state.error}
            </p>
          )}
          {row && (
            <p className="hint">
              Run saliencyInBox over its test images:{' '}
              {row.saliencyInBox === null ? 'not measured' : row.saliencyInBox.toFixed(2)}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/**
 * Where two runs look: for one test image (by file) and each run's chosen detection (best first), the input-gradient
 * saliency map over the image, the ground truth, the detection, and saliencyInBox.
 */
export function SaliencyCompare({
  conn,
  rows,
  models,
  sideBySide,
  evals,
  evalsLoading,
  nameOf,
}: {
  conn: Connection;
  rows: readonly RunRowView[];
  models: readonly string[];
  /** The side-by-side view's two runs, the default pair here. */
  sideBySide: readonly [string, string] | null;
  evals: ReadonlyMap<string, RunTestEval>;
  /** Runs whose evaluations the view is loading into `evals` (not fetched again here). */
  evalsLoading: ReadonlySet<string>;
  nameOf(runId: string): string;
}) {
  const [picked, setPicked] = useState<[string, string] | null>(null);
  const pair = picked ?? defaultSaliencyPair(rows, models, sideBySide);
  const [imageId, setImageId] = useState<number | null>(null);
  const [detections, setDetections] = useState<[number, number]>([0, 0]);
  const [opacity, setOpacity] = useState(DEFAULT_HEATMAP_OPACITY);
  const cache = useRef(new Map<string, MapState>()).current;
  const [, setCachedCount] = useState(0);
  // Stable, so a side's request effect does not run again (and ask twice) whenever the parent renders.
  const onCached = useCallback(() => setCachedCount((t) => t + 1), []);
  // Side 2 follows side 1's object until a person picks side 2's detection by hand.
  const [manual2, setManual2] = useState(false);
  const rowOf = (id: string) => rows.find((r) => r.id === id);
  // Closed until asked for: each map is a trainer process, too much to start whenever Experiments opens.
  const [open, setOpen] = useState(false);
  const usable = pair.map((id) => open && analysisBlocker(rowOf(id), models, '') === null);
  const a = useTestEval(conn, pair[0], usable[0]!, evals, evalsLoading);
  const b = useTestEval(conn, pair[1], usable[1]!, evals, evalsLoading);
  // Images come from the first usable run's test split (both runs of one project share its images).
  const list = (a.ev ?? b.ev)?.images ?? [];
  const image = list.find((i) => i.id === imageId) ?? list.find((i) => i.gt.length > 0) ?? list[0];
  const choose = (k: number, id: string) => {
    const next: [string, string] = [...pair];
    next[k] = id;
    setPicked(next);
    setDetections([0, 0]);
    setManual2(false);
  };
  const first = image ? cache.get(mapKey(pair[0], image.id, detections[0])) : undefined;
  const other = anyMapOf(cache, pair[1], image?.id ?? null);
  const matched =
    !manual2 && first && 'map' in first && other
      ? matchingDetection(
          { det: first.map.detection, placement: first.map.placement },
          other.ranked,
          other.placement,
        )
      : null;
  const matchIndex = matched?.index;
  useEffect(() => {
    if (matchIndex !== undefined && matchIndex !== detections[1]) setDetections(([d0]) => [d0, matchIndex]);
  }, [matchIndex, detections]);
  if (!open)
    return (
      <div className="card" data-testid="saliency-compare">
        <div className="xrow">
          <h2>Where the model looks (saliency, test split)</h2>
          <button data-testid="saliency-open" onClick={() => setOpen(true)}>
            Compare saliency maps
          </button>
        </div>
        <p className="hint">
          For one test image and detection, the gradient of the detection&apos;s score with respect to the
          input pixels, for two runs side by side, with saliencyInBox. Each map is computed in a trainer
          process.
        </p>
      </div>
    );
  return (
    <div className="card" data-testid="saliency-compare">
      <div className="xrow">
        <h2>Where the model looks (saliency, test split)</h2>
        {[0, 1].map((k) => (
          <select
            key={k}
            aria-label={`saliency run ${k + 1}`}
            value={pair[k]}
            onChange={(e) => choose(k, e.target.value)}
            style={{ borderColor: PALETTE[k] }}
          >
            {!pair[k] && <option value="">choose a run</option>}
            {rows.map((r) => (
              <option key={r.id} value={r.id}>
                {nameOf(r.id)}
                {r.status !== 'done' ? ` (${r.status})` : ''}
              </option>
            ))}
          </select>
        ))}
      </div>
      <div className="xrow">
        <label className="hint">
          test image{' '}
          <select
            aria-label="saliency image"
            value={image?.id ?? ''}
            disabled={list.length === 0}
            onChange={(e) => {
              setImageId(Number(e.target.value));
              setDetections([0, 0]);
              setManual2(false);
            }}
          >
            {list.length === 0 && (
              <option value="">
                {usable.some(Boolean) ? 'loading test images…' : 'no finished run chosen'}
              </option>
            )}
            {list.map((i) => (
              <option key={i.id} value={i.id}>
                {i.file.split('/').pop()} ({i.gt.length} box{i.gt.length === 1 ? '' : 'es'})
              </option>
            ))}
          </select>
        </label>
        <label className="hint">
          opacity {Math.round(100 * opacity)}%{' '}
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={opacity}
            aria-label="saliency opacity"
            onChange={(e) => setOpacity(Number(e.target.value))}
          />
        </label>
        <span className="saliency-legend" title="colour scale of the overlay">
          <span className="hint">low</span>
          <span className="saliency-legend-bar" style={{ background: legendGradient() }} />
          <span className="hint">high (≥ {Math.round(100 * CLIP_QUANTILE)}th percentile of the map)</span>
        </span>
      </div>
      <p className="hint" data-testid="saliency-caption">
        Map: the gradient of the chosen detection&apos;s score with respect to the input pixels (brighter
        moves the score more; each map on its own scale). saliencyInBox: the share of saliency energy inside
        the ground-truth boxes (white dashed) over the share of the image they cover; 1.0 = uniform, above 1 =
        looks at the objects.
      </p>
      {(a.error || b.error) && <p className="err">{a.error ?? b.error}</p>}
      <div className="saliency-pair">
        {[0, 1].map((k) => (
          <div key={k} className="saliency-col">
            <div className="hint" style={{ color: PALETTE[k] }}>
              ■ {pair[k] ? nameOf(pair[k]) : 'no run chosen'}
            </div>
            <SaliencySide
              conn={conn}
              k={k}
              row={rowOf(pair[k]!)}
              models={models}
              imageId={image?.id ?? null}
              image={image}
              classes={(k === 0 ? a.ev : b.ev)?.classes ?? (a.ev ?? b.ev)?.classes ?? []}
              detection={detections[k]!}
              onDetection={(d) => {
                setDetections((cur) => (k === 0 ? [d, cur[1]] : [cur[0], d]));
                setManual2(k === 1); // a new side-1 object: side 2 follows it again
              }}
              opacity={opacity}
              cache={cache}
              onCached={onCached}
              matched={k === 1 ? matched : null}
            />
          </div>
        ))}
      </div>
    </div>
  );
}
