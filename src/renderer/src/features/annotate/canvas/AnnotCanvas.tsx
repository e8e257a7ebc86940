import type Konva from 'konva';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Image as KImage, Layer, Line, Rect, Stage, Text, Transformer } from 'react-konva';
import type { Box, LabelClass } from '../../../../../shared/domain/types';
import type { DocBox } from '../core/types';
import { fitView, useHtmlImage, type View, zoomAt } from './use-image';

/** What the canvas needs: the image, its boxes, and callbacks that turn gestures into editor commands. */
export interface AnnotCanvasProps {
  imageUrl: string | null;
  imageW: number;
  imageH: number;
  boxes: readonly DocBox[];
  classes: ReadonlyMap<number, LabelClass>;
  selectedKey: string | null;
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

/** Debug surface for tests and the benchmark: what the stage shows, in image pixels, and where to point. */
export interface CanvasProbe {
  boxes(): { key: string; x: number; y: number; w: number; h: number }[];
  view(): View;
  toScreen(x: number, y: number): { x: number; y: number };
}

/** The two crosshair lines look alike; pointer moves place and show them. */
const CROSSHAIR = {
  stroke: 'rgba(255,255,255,0.55)',
  strokeWidth: 1,
  strokeScaleEnabled: false,
  dash: [4, 4],
  listening: false,
  visible: false,
};

function nodeBox(n: Konva.Node): Box {
  return { x: n.x(), y: n.y(), w: n.width() * n.scaleX(), h: n.height() * n.scaleY() };
}

/**
 * The labeling canvas (Konva): an image layer that never listens, a layer of committed boxes, and an
 * interaction layer (draft box, crosshair, transformer). Boxes are in image pixels; zoom and pan are the stage
 * transform. A drag or resize changes only Konva nodes until pointer-up, then becomes one command.
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

  // Transformer follows the selected box.
  useEffect(() => {
    const tr = trRef.current;
    const node = p.selectedKey ? stageRef.current?.findOne(`#${p.selectedKey}`) : undefined;
    tr?.nodes(node ? [node] : []);
    tr?.getLayer()?.batchDraw();
  }, [p.selectedKey, p.boxes]);

  const cancelGesture = useCallback(() => {
    const g = gesture.current;
    const stage = stageRef.current;
    if (!g || !stage) return false;
    gesture.current = null;
    if (g.kind === 'draw') draftRef.current?.visible(false);
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
      trRef.current?.forceUpdate();
    }
    stage.batchDraw();
    return true;
  }, []);

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
    const probe: CanvasProbe = {
      boxes: () => (stageRef.current?.find('.box') ?? []).map((n) => ({ key: n.id(), ...nodeBox(n) })),
      view: () => view,
      toScreen: (x, y) => {
        const r = wrap.current!.getBoundingClientRect();
        return { x: r.left + view.x + x * view.scale, y: r.top + view.y + y * view.scale };
      },
    };
    (window as unknown as { __ridgeCanvas?: CanvasProbe }).__ridgeCanvas = probe;
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
    const onBox = e.target.hasName('box');
    const onHandle = e.target.getParent()?.className === 'Transformer';
    if (onBox || onHandle) return;
    const pt = imagePoint();
    if (pt.x < 0 || pt.y < 0 || pt.x > p.imageW || pt.y > p.imageH) {
      p.onSelect(null);
      return;
    }
    p.onSelect(null);
    gesture.current = { kind: 'draw', x0: pt.x, y0: pt.y };
    draftRef.current?.setAttrs({ x: pt.x, y: pt.y, width: 0, height: 0, visible: true });
  };

  const onMouseMove = () => {
    const stage = stageRef.current!;
    const g = gesture.current;
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

  const onMouseUp = () => {
    const g = gesture.current;
    if (g?.kind === 'pan') {
      const s = stageRef.current!;
      setView({ scale: view.scale, x: s.x(), y: s.y() });
      gesture.current = null;
    }
    if (g?.kind === 'draw') {
      gesture.current = null;
      const d = draftRef.current!;
      d.visible(false);
      const box = { x: d.x(), y: d.y(), w: d.width(), h: d.height() };
      if (box.w * view.scale >= 4 && box.h * view.scale >= 4) p.onDraw(box);
      uiLayer.current?.batchDraw();
    }
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
  };

  const sw = 1.5;
  const font = 11 / view.scale;
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
        onMouseUp={onMouseUp}
        onMouseLeave={() => {
          hRef.current?.visible(false);
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
                dash={pending ? [6, 4] : undefined}
                fill={pending ? 'rgba(255,255,255,0.06)' : color + (sel ? '40' : '1c')}
                draggable={!space}
                perfectDrawEnabled={false}
                shadowForStrokeEnabled={false}
                onMouseDown={(e) => {
                  if (e.evt.button === 0 && !space) p.onSelect(b.key);
                }}
                onDragStart={(e) => {
                  gesture.current = { kind: 'drag', key: b.key, before: nodeBox(e.target) };
                  p.onSelect(b.key);
                }}
                onDragEnd={(e) => finish(e.target, 'move box')}
                onTransformStart={(e) => {
                  gesture.current = { kind: 'transform', key: b.key, before: nodeBox(e.target) };
                }}
                onTransformEnd={(e) => finish(e.target, 'resize box')}
              />
            );
          })}
        </Layer>
        <Layer listening={false}>
          {p.boxes.length <= 300 &&
            p.boxes.map((b) => (
              <Text
                key={b.key}
                x={b.x}
                y={b.y - font * 1.35}
                text={`${p.classes.get(b.classId)?.name ?? '?'}${b.state === 'pending' && b.score !== null ? ` ${Math.round(b.score * 100)}%` : ''}${b.difficult ? ' ·D' : ''}${b.truncated ? ' ·T' : ''}`}
                fontSize={font}
                fill={b.state === 'pending' ? '#ffffff' : (p.classes.get(b.classId)?.color ?? '#ccc')}
                perfectDrawEnabled={false}
              />
            ))}
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
