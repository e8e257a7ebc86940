import type Konva from 'konva';
import { Group, Rect, Text } from 'react-konva';
import type { LabelClass } from '../../../../../shared/domain/types';
import type { DocBox } from '../core/types';
import { LABEL_FONT_PX, LABEL_H, labelAnchor, labelText, MAX_LABELS, PAD, textColorOn } from './label-style';

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
