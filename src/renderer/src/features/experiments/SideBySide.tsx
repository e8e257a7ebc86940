import { useMemo, useState } from 'react';
import { Group, Image as KImage, Layer, Rect, Stage } from 'react-konva';
import type { EvalBox, RunTestEval } from '../../../../shared/api/runs-contract';
import type { Connection } from '../../api/client';
import { LabelTag } from '../annotate/canvas/BoxLabels';
import { labelAnchor } from '../annotate/canvas/label-style';
import { useHtmlImage } from '../annotate/canvas/use-image';
import { PALETTE } from './UPlotChart';
import { byDisagreement } from './view-model';

const SIZE = 340;
const SHOWN = 6;

/** One test image on a Konva stage: ground truth dashed white, a run's boxes solid with their scores. */
function EvalStage(p: {
  url: string;
  w: number;
  h: number;
  gt: EvalBox[];
  preds: EvalBox[];
  color: string;
  classes: string[];
}) {
  const img = useHtmlImage(p.url);
  const s = Math.min(SIZE / p.w, SIZE / p.h);
  return (
    <Stage width={Math.round(p.w * s)} height={Math.round(p.h * s)} listening={false}>
      <Layer listening={false}>
        {img && <KImage image={img} width={p.w * s} height={p.h * s} />}
        {p.gt.map((b, i) => (
          <Rect
            key={`g${i}`}
            x={b.x * s}
            y={b.y * s}
            width={b.w * s}
            height={b.h * s}
            stroke="#ffffff"
            dash={[4, 3]}
            strokeWidth={1.5}
          />
        ))}
        {p.preds.map((b, i) => (
          <Rect
            key={`p${i}`}
            x={b.x * s}
            y={b.y * s}
            width={b.w * s}
            height={b.h * s}
            stroke={p.color}
            strokeWidth={2}
          />
        ))}
        {p.preds.map((b, i) => (
          // The same readable tag as Annotate's labels; scores in percent as everywhere.
          <Group key={`t${i}`} {...labelAnchor({ x: b.x * s, y: b.y * s }, 1)}>
            <LabelTag
              text={`${p.classes[b.classIndex] ?? b.classIndex} ${Math.round(100 * (b.score ?? 0))}%`}
              bg={p.color}
              dashed={false}
            />
          </Group>
        ))}
      </Layer>
    </Stage>
  );
}

/**
 * The same test images (named by file; a click opens one in Annotate) with ground truth and two runs' boxes; the images the runs disagree on most come first.
 * With one run (`b` absent), its boxes beside nothing but the ground truth, the images it gets most wrong first.
 */
export function SideBySide({
  conn,
  a,
  b,
  nameOf,
  onOpenImage,
}: {
  conn: Connection;
  a: RunTestEval;
  b?: RunTestEval | undefined;
  nameOf(runId: string): string;
  onOpenImage(imageId: number): void;
}) {
  const [threshold, setThreshold] = useState(Math.max(0.25, a.minScore));
  const boxesA = useMemo(() => new Map(a.images.map((i) => [i.id, i.predictions])), [a]);
  // Alone, a run is compared with the ground truth (scored 1 so the threshold never hides it).
  const boxesB = useMemo(
    () =>
      new Map(
        b
          ? b.images.map((i) => [i.id, i.predictions])
          : a.images.map((i) => [i.id, i.gt.map((g) => ({ ...g, score: 1 }))]),
      ),
    [a, b],
  );
  const order = byDisagreement(a.images, boxesA, boxesB, threshold).slice(0, SHOWN);
  const cut = (xs: EvalBox[]) => xs.filter((x) => (x.score ?? 0) >= threshold);
  return (
    <>
      <div className="xrow">
        <span className="spacer" />
        <label className="hint">
          score ≥ {Math.round(100 * threshold)}%{' '}
          <input
            type="range"
            min={a.minScore}
            max={1}
            step={0.01}
            value={threshold}
            aria-label="score threshold"
            onChange={(e) => setThreshold(Number(e.target.value))}
          />
        </label>
      </div>
      {b ? (
        <p className="hint">
          White dashed: ground truth. <span style={{ color: PALETTE[0] }}>■ {nameOf(a.runId)}</span> ·{' '}
          <span style={{ color: PALETTE[1] }}>■ {nameOf(b.runId)}</span>. Images where the runs disagree most
          come first (boxes one run has and the other lacks at IoU ≥ .5).
        </p>
      ) : (
        <p className="hint">
          White dashed: ground truth. <span style={{ color: PALETTE[0] }}>■ {nameOf(a.runId)}</span>. Choose a
          second run above to compare two; the images this run gets most wrong come first (missed or false
          boxes at IoU ≥ .5).
        </p>
      )}
      <div className="sbs">
        {order.map(({ image, score }) => (
          <div key={image.id} className="sbs-row" data-testid="sbs-row" data-disagreement={score}>
            <div className="sbs-label">
              <button
                className="link"
                data-testid="sbs-open"
                data-image-id={image.id}
                title={`${image.file}: open in Annotate`}
                onClick={() => onOpenImage(image.id)}
              >
                {image.file.split('/').pop()}
              </button>
              <br />
              {score} {b ? 'disagreeing' : 'wrong'} box{score === 1 ? '' : 'es'}
            </div>
            <EvalStage
              url={conn.imageUrl(image.id)}
              w={image.width}
              h={image.height}
              gt={image.gt}
              preds={cut(boxesA.get(image.id) ?? [])}
              color={PALETTE[0]!}
              classes={a.classes}
            />
            {b && (
              <EvalStage
                url={conn.imageUrl(image.id)}
                w={image.width}
                h={image.height}
                gt={image.gt}
                preds={cut(boxesB.get(image.id) ?? [])}
                color={PALETTE[1]!}
                classes={b.classes}
              />
            )}
          </div>
        ))}
      </div>
    </>
  );
}
