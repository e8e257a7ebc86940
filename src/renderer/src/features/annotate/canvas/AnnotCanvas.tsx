import Konva from 'konva';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Image as KImage, Layer, Line, Rect, Stage, Transformer } from 'react-konva';
import type { Box, LabelClass } from '../../../../../shared/domain/types';
import type { DocBox } from '../core/types';
import { BoxLabels, followLabel } from './BoxLabels';
import { installProbe, nodeBox } from './probe';
import { fitView, revealView, useHtmlImage, type View, zoomAt } from './use-image';

// Only the left button drags a box; Konva's default also lets the middle button move boxes, which is pan here.
Konva.dragButtons = [0];

/** What the canvas needs: the image, its boxes, and callbacks that turn gestures into editor commands. */
export interface AnnotCanvasProps {
  imageUrl: string | null;
  imageW: number;
  imageH: number;
  /** Boxes to show (hidden ones already left out). */
  boxes: readonly DocBox[];
  classes: ReadonlyMap<number, LabelClass>;
  selectedKey: string | null;
  /** Locked boxes: drawn, never moved or resized; a drag on one draws a new box. */
  locked: ReadonlySet<string>;
  /** The draw-over modifier is held: a drag draws even when it starts on a box. */
  drawOver: boolean;
  /** Bring a box into view (a new `n` asks again). */
  reveal: { key: string; n: number } | null;
  drawColor: string;
  fitSignal: number;
  onSelect(key: string | null): void;
  onDraw(box: Box): void;
  onChange(key: string, box: Box, label: string): void;
  onView?(v: View): void;
}

type Gesture =
  | { kind: 'draw'; x0: number; y0: number }
  | { kind: 'pan'; sx: number; sy: number; vx: number; vy: number }
  | { kind: 'drag'; key: string; before: Box }
  | { kind: 'transform'; key: string; before: Box }
  | null;

/** The two crosshair lines look alike; pointer moves place and show them. */
const CROSSHAIR = {
  stroke: 'rgba(255,255,255,0.55)',
  strokeWidth: 1,
  strokeScaleEnabled: false,
  dash: [4, 4],
  listening: false,
  visible: false,
};

/**
 * The labeling canvas (Konva): an image layer that never listens, a layer of committed boxes, labels, and an
 * interaction layer (draft box, crosshair, transformer). Boxes are in image pixels; zoom and pan are the stage
 * transform. The stage captures the pointer on every press, so a gesture ends wherever the button is released
 * (over a panel, outside the window). A drag or resize changes only Konva nodes until release, then becomes one
 * command.
 */
export function AnnotCanvas(p: AnnotCanvasProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const draftRef = useRef<Konva.Rect>(null);
  const hRef = useRef<Konva.Line>(null);
  const vRef = useRef<Konva.Line>(null);
  const trRef = useRef<Konva.Transformer>(null);
  const uiLayer = useRef<Konva.Layer>(null);
  const gesture = useRef<Gesture>(null);
  const [size, setSize] = useState({ w: 800, h: 600 });
  const [view, setView] = useState<View>({ scale: 1, x: 0, y: 0 });
  const [space, setSpace] = useState(false);
  const img = useHtmlImage(p.imageUrl);
  const props = useRef(p);
  props.current = p;
  const viewRef = useRef(view);
  viewRef.current = view;

  useLayoutEffect(() => {
    const el = wrap.current!;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (p.imageW > 0 && size.w > 0) setView(fitView(size.w, size.h, p.imageW, p.imageH));
  }, [p.imageUrl, p.imageW, p.imageH, p.fitSignal, size.w, size.h]);

  useEffect(() => p.onView?.(view), [view, p]);

  // Review keys select boxes that may be off-screen: bring them into view.
  useEffect(() => {
    const b = p.reveal && props.current.boxes.find((x) => x.key === p.reveal!.key);
    if (b) setView((v) => revealView(v, b, size.w, size.h));
  }, [p.reveal, size.w, size.h]);

  // Transformer follows the selected box (a locked box gets none).
  useEffect(() => {
    const tr = trRef.current;
    const key = p.selectedKey && !p.locked.has(p.selectedKey) ? p.selectedKey : null;
    const node = key ? stageRef.current?.findOne(`#${key}`) : undefined;
    tr?.nodes(node ? [node] : []);
    tr?.getLayer()?.batchDraw();
  }, [p.selectedKey, p.boxes, p.locked]);

  /** End a draw or pan: a draw becomes a box (when large enough), a pan becomes the view. */
  const endGesture = useCallback(() => {
    const g = gesture.current;
    const stage = stageRef.current;
    if (!stage || !g || (g.kind !== 'draw' && g.kind !== 'pan')) return;
    gesture.current = null;
    const scale = viewRef.current.scale;
    if (g.kind === 'pan') {
      setView({ scale, x: stage.x(), y: stage.y() });
      return;
    }
    const d = draftRef.current!;
    d.visible(false);
    uiLayer.current?.batchDraw();
    const box = { x: d.x(), y: d.y(), w: d.width(), h: d.height() };
    if (box.w * scale >= 4 && box.h * scale >= 4) props.current.onDraw(box);
  }, []);

  const cancelGesture = useCallback(() => {
    const g = gesture.current;
    const stage = stageRef.current;
    if (!g || !stage) return false;
    gesture.current = null;
    if (g.kind === 'draw') draftRef.current?.visible(false);
    if (g.kind === 'pan') stage.position({ x: g.vx, y: g.vy });
    if (g.kind === 'drag' || g.kind === 'transform') {
      const n = stage.findOne(`#${g.key}`);
      if (g.kind === 'drag') n?.stopDrag();
      else trRef.current?.stopTransform();
      n?.setAttrs({
        x: g.before.x,
        y: g.before.y,
        width: g.before.w,
        height: g.before.h,
        scaleX: 1,
        scaleY: 1,
      });
      if (n) followLabel(stage, g.key, n, viewRef.current.scale);
      trRef.current?.forceUpdate();
    }
    stage.batchDraw();
    return true;
  }, []);

  // Pointer capture: every press on the stage keeps the pointer until release, wherever that happens.
  useEffect(() => {
    const content = stageRef.current?.content;
    if (!content) return;
    const down = (e: PointerEvent) => {
      if (e.button === 0 || e.button === 1) content.setPointerCapture(e.pointerId);
    };
    content.addEventListener('pointerdown', down);
    content.addEventListener('lostpointercapture', endGesture);
    window.addEventListener('blur', endGesture);
    return () => {
      content.removeEventListener('pointerdown', down);
      content.removeEventListener('lostpointercapture', endGesture);
      window.removeEventListener('blur', endGesture);
    };
  }, [endGesture]);

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.key === ' ' && !(e.target instanceof HTMLInputElement)) {
        setSpace(true);
        e.preventDefault();
      }
      if (e.key === 'Escape' && cancelGesture()) e.stopImmediatePropagation();
    };
    const up = (e: KeyboardEvent) => e.key === ' ' && setSpace(false);
    window.addEventListener('keydown', down, true);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down, true);
      window.removeEventListener('keyup', up);
    };
  }, [cancelGesture]);

  useEffect(() => {
    if (!__RIDGE_TEST_HOOKS__) return; // only the e2e build carries the probe (electron.vite.config.mts)
    installProbe(
      () => stageRef.current,
      () => wrap.current,
      view,
      draftRef,
    );
  }, [view]);

  const imagePoint = () => stageRef.current!.getRelativePointerPosition()!;

  const onMouseDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = stageRef.current!;
    const ptr = stage.getPointerPosition()!;
    if (e.evt.button === 1 || space) {
      e.evt.preventDefault();
      gesture.current = { kind: 'pan', sx: ptr.x, sy: ptr.y, vx: view.x, vy: view.y };
      return;
    }
    if (e.evt.button !== 0) return;
    const over = p.drawOver || e.evt.ctrlKey || e.evt.metaKey;
    const onBox = e.target.hasName('box');
    const onHandle = e.target.getParent()?.className === 'Transformer';
    if ((onBox || onHandle) && !over) return;
    const pt = imagePoint();
    p.onSelect(null);
    if (pt.x < 0 || pt.y < 0 || pt.x > p.imageW || pt.y > p.imageH) return;
    gesture.current = { kind: 'draw', x0: pt.x, y0: pt.y };
    draftRef.current?.setAttrs({ x: pt.x, y: pt.y, width: 0, height: 0, visible: true });
  };

  const onMouseMove = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = stageRef.current!;
    const g = gesture.current;
    // No button is down but a draw or pan is still open (its release was never seen): end it now.
    if ((g?.kind === 'draw' || g?.kind === 'pan') && e.evt.buttons === 0) return endGesture();
    const pt = imagePoint();
    if (g?.kind === 'pan') {
      const ptr = stage.getPointerPosition()!;
      stage.position({ x: g.vx + ptr.x - g.sx, y: g.vy + ptr.y - g.sy });
      stage.batchDraw();
      return;
    }
    const inside = pt.x >= 0 && pt.y >= 0 && pt.x <= p.imageW && pt.y <= p.imageH;
    const showCross = inside && !space && (g === null || g.kind === 'draw');
    hRef.current?.setAttrs({ points: [0, pt.y, p.imageW, pt.y], visible: showCross });
    vRef.current?.setAttrs({ points: [pt.x, 0, pt.x, p.imageH], visible: showCross });
    if (g?.kind === 'draw') {
      const x = Math.max(0, Math.min(p.imageW, pt.x));
      const y = Math.max(0, Math.min(p.imageH, pt.y));
      draftRef.current?.setAttrs({
        x: Math.min(g.x0, x),
        y: Math.min(g.y0, y),
        width: Math.abs(x - g.x0),
        height: Math.abs(y - g.y0),
      });
    }
    uiLayer.current?.batchDraw();
  };

  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const ptr = stageRef.current!.getPointerPosition()!;
    setView(zoomAt(view, ptr.x, ptr.y, e.evt.deltaY < 0 ? 1.15 : 1 / 1.15));
  };

  const finish = (n: Konva.Node, label: string) => {
    const g = gesture.current;
    gesture.current = null;
    if (!g || (g.kind !== 'drag' && g.kind !== 'transform')) return; // cancelled with Escape
    const b = nodeBox(n);
    n.setAttrs({ scaleX: 1, scaleY: 1, width: b.w, height: b.h });
    props.current.onChange(g.key, b, label);
    // Show exactly what the editor kept (it clips to the image); React skips props that did not change.
    const kept = props.current.boxes.find((x) => x.key === g.key);
    if (kept) n.setAttrs({ x: kept.x, y: kept.y, width: kept.w, height: kept.h });
    followLabel(stageRef.current, g.key, n, view.scale);
  };

  const sw = 1.5;
  const follow = (e: Konva.KonvaEventObject<Event>, key: string) =>
    followLabel(stageRef.current, key, e.target, view.scale);
  return (
    <div ref={wrap} className={`stage ${space ? 'pan' : 'draw'}`} data-testid="canvas">
      <Stage
        ref={stageRef}
        width={size.w}
        height={size.h}
        scaleX={view.scale}
        scaleY={view.scale}
        x={view.x}
        y={view.y}
        onMouseDown={onMouseDown}
        onMouseMove={onMouseMove}
        onMouseUp={endGesture}
        onMouseLeave={() => {
          hRef.current?.visible(false);
          vRef.current?.visible(false);
          uiLayer.current?.batchDraw();
        }}
        onWheel={onWheel}
        onContextMenu={(e) => e.evt.preventDefault()}
      >
        <Layer listening={false}>{img && <KImage image={img} width={p.imageW} height={p.imageH} />}</Layer>
        <Layer>
          {p.boxes.map((b) => {
            const c = p.classes.get(b.classId);
            const color = c?.color ?? '#cccccc';
            const pending = b.state === 'pending';
            const sel = b.key === p.selectedKey;
            const locked = p.locked.has(b.key);
            return (
              <Rect
                key={b.key}
                id={b.key}
                name="box"
                x={b.x}
                y={b.y}
                width={b.w}
                height={b.h}
                stroke={pending ? '#ffffff' : color}
                strokeWidth={sel ? sw + 1 : sw}
                strokeScaleEnabled={false}
                dash={pending ? [6, 4] : locked ? [2, 3] : undefined}
                fill={pending ? 'rgba(255,255,255,0.06)' : color + (sel ? '40' : '1c')}
                draggable={!space && !p.drawOver && !locked}
                listening={!locked}
                perfectDrawEnabled={false}
                shadowForStrokeEnabled={false}
                onMouseDown={(e) => {
                  if (e.evt.button === 0 && !space && !p.drawOver && !e.evt.ctrlKey && !e.evt.metaKey)
                    p.onSelect(b.key);
                }}
                onDragStart={(e) => {
                  if (e.evt && (e.evt.ctrlKey || e.evt.metaKey)) return e.target.stopDrag();
                  gesture.current = { kind: 'drag', key: b.key, before: nodeBox(e.target) };
                  p.onSelect(b.key);
                }}
                onDragMove={(e) => follow(e, b.key)}
                onDragEnd={(e) => finish(e.target, 'move box')}
                onTransformStart={(e) => {
                  gesture.current = { kind: 'transform', key: b.key, before: nodeBox(e.target) };
                }}
                onTransform={(e) => follow(e, b.key)}
                onTransformEnd={(e) => finish(e.target, 'resize box')}
              />
            );
          })}
        </Layer>
        <Layer listening={false}>
          <BoxLabels boxes={p.boxes} classes={p.classes} scale={view.scale} />
        </Layer>
        <Layer ref={uiLayer}>
          <Line ref={hRef} {...CROSSHAIR} />
          <Line ref={vRef} {...CROSSHAIR} />
          <Rect
            ref={draftRef}
            stroke={p.drawColor}
            strokeWidth={1.5}
            strokeScaleEnabled={false}
            fill={p.drawColor + '26'}
            listening={false}
            visible={false}
          />
          <Transformer
            ref={trRef}
            rotateEnabled={false}
            keepRatio={false}
            flipEnabled={false}
            ignoreStroke
            anchorSize={8}
            anchorCornerRadius={2}
            borderStroke="#ffffff"
            anchorStroke="#ffffff"
            anchorFill="#4c8dff"
            boundBoxFunc={(old, nb) => (nb.width < 3 || nb.height < 3 ? old : nb)}
          />
        </Layer>
      </Stage>
    </div>
  );
}
