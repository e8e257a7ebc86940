import type Konva from 'konva';
import { Group, Rect, Text } from 'react-konva';
import type { LabelClass } from '../../../../../shared/domain/types';
import type { DocBox } from '../core/types';

/** On-screen size of a box label: the same at every zoom (the label group is scaled by 1 / zoom). */
export const LABEL_FONT_PX = 12;
const PAD = 3;
/** Above this many boxes labels are skipped (they would cover the image and slow a drag). */
export const MAX_LABELS = 300;

/** What a box's label says: class, the score of a prediction, and its flags. */
export function labelText(b: DocBox, cls: LabelClass | undefined): string {
  const score = b.state === 'pending' && b.score !== null ? ` ${Math.round(b.score * 100)}%` : '';
  return `${cls?.name ?? '?'}${score}${b.difficult ? ' · D' : ''}${b.truncated ? ' · T' : ''}`;
}

/** Black or white, whichever reads better on a background colour (#rrggbb), by its relative luminance. */
export function textColorOn(bg: string): '#000000' | '#ffffff' {
  const n = parseInt(bg.slice(1, 7), 16);
  if (Number.isNaN(n)) return '#ffffff';
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return L > 0.179 ? '#000000' : '#ffffff';
}

/** Height of a label on screen, in pixels. */
const LABEL_H = LABEL_FONT_PX + 2 * PAD;

/** Where a label sits for a box: above its top-left corner, or just inside when there is no room above. */
export function labelAnchor(box: { x: number; y: number }, scale: number): { x: number; y: number } {
  const h = LABEL_H / scale;
  return { x: box.x, y: box.y >= h ? box.y - h : box.y };
}

/** Move a box's label with the box while it is dragged or resized (Konva nodes only; React catches up after). */
export function followLabel(stage: Konva.Stage | null, key: string, node: Konva.Node, scale: number): void {
  const g = stage?.findOne(`#lbl-${key}`);
  if (!g) return;
  g.position(labelAnchor({ x: node.x(), y: node.y() }, scale));
  g.getLayer()?.batchDraw();
}

/** Box labels: class-coloured tags with readable text, a constant size on screen, one group per box. */
export function BoxLabels(p: {
  boxes: readonly DocBox[];
  classes: ReadonlyMap<number, LabelClass>;
  scale: number;
}) {
  if (p.boxes.length > MAX_LABELS) return null;
  return (
    <>
      {p.boxes.map((b) => {
        const cls = p.classes.get(b.classId);
        const bg = b.state === 'pending' ? '#ffffff' : (cls?.color ?? '#cccccc');
        const text = labelText(b, cls);
        const at = labelAnchor(b, p.scale);
        return (
          <Group
            key={b.key}
            id={`lbl-${b.key}`}
            name="label"
            x={at.x}
            y={at.y}
            scaleX={1 / p.scale}
            scaleY={1 / p.scale}
            listening={false}
          >
            <LabelTag text={text} bg={bg} dashed={b.state === 'pending'} />
          </Group>
        );
      })}
    </>
  );
}

function LabelTag({ text, bg, dashed }: { text: string; bg: string; dashed: boolean }) {
  const width = measure(text) + 2 * PAD;
  return (
    <>
      <Rect
        name="label-bg"
        width={width}
        height={LABEL_H}
        fill={bg}
        opacity={dashed ? 0.85 : 0.92}
        cornerRadius={2}
        perfectDrawEnabled={false}
      />
      <Text
        x={PAD}
        y={PAD}
        text={text}
        fontSize={LABEL_FONT_PX}
        fontFamily="system-ui, sans-serif"
        fill={textColorOn(bg)}
        perfectDrawEnabled={false}
      />
    </>
  );
}

let ctx: CanvasRenderingContext2D | null = null;
/** Text width in screen pixels at the label font (a 2D context measures it; jsdom-free callers only). */
function measure(text: string): number {
  ctx ??= document.createElement('canvas').getContext('2d');
  if (!ctx) return text.length * LABEL_FONT_PX * 0.6;
  ctx.font = `${LABEL_FONT_PX}px system-ui, sans-serif`;
  return Math.ceil(ctx.measureText(text).width);
}
