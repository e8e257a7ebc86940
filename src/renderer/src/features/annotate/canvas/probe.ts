import type Konva from 'konva';
import type { RefObject } from 'react';
import type { Box } from '../../../../../shared/domain/types';
import type { View } from './use-image';

/** Debug surface for tests and the benchmark: what the stage shows, in image pixels, and where to point. */
export interface CanvasProbe {
  boxes(): { key: string; x: number; y: number; w: number; h: number }[];
  /** Box labels: where each sits and the size of its background, in image pixels. */
  labels(): { key: string; x: number; y: number; w: number; h: number }[];
  /** The draft rectangle of a draw in progress (visible only while the button is down). */
  draft(): { visible: boolean; x: number; y: number; w: number; h: number };
  view(): View;
  toScreen(x: number, y: number): { x: number; y: number };
}

/** A Konva node's box in image pixels (its scale folded into the size). */
export function nodeBox(n: Konva.Node): Box {
  return { x: n.x(), y: n.y(), w: n.width() * n.scaleX(), h: n.height() * n.scaleY() };
}

/** Put the probe on `window.__ridgeCanvas` for the current view. */
export function installProbe(
  stage: () => Konva.Stage | null,
  wrap: () => HTMLDivElement | null,
  view: View,
  draft: RefObject<Konva.Rect | null>,
): void {
  const probe: CanvasProbe = {
    boxes: () => (stage()?.find('.box') ?? []).map((n) => ({ key: n.id(), ...nodeBox(n) })),
    labels: () =>
      (stage()?.find('.label') ?? []).map((g) => {
        const bg = (g as Konva.Group).findOne('.label-bg');
        return {
          key: g.id().replace(/^lbl-/, ''),
          x: g.x(),
          y: g.y(),
          w: (bg?.width() ?? 0) * g.scaleX(),
          h: (bg?.height() ?? 0) * g.scaleY(),
        };
      }),
    draft: () => {
      const d = draft.current;
      return {
        visible: !!d?.visible(),
        x: d?.x() ?? 0,
        y: d?.y() ?? 0,
        w: d?.width() ?? 0,
        h: d?.height() ?? 0,
      };
    },
    view: () => view,
    toScreen: (x, y) => {
      const r = wrap()!.getBoundingClientRect();
      return { x: r.left + view.x + x * view.scale, y: r.top + view.y + y * view.scale };
    },
  };
  (window as unknown as { __ridgeCanvas?: CanvasProbe }).__ridgeCanvas = probe;
}
