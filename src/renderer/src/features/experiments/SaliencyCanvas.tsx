import { useEffect, useRef } from 'react';
import type { EvalBox, SaliencyMapView } from '../../../../shared/api/runs-contract';
import { useHtmlImage } from '../annotate/canvas/use-image';
import { heatmapPixels } from '../../../../shared/heatmap';
import { inputBoxOnImage, mapRectOnImage } from './heatmap';

/** Largest size a saliency canvas is drawn at (two fit side by side in a 1280 px window). */
const MAX_W = 460;
const MAX_H = 340; // with the controls, one row of two fits a 720 px window

/**
 * One image with a saliency map overlaid (plain 2D canvas: one bitmap, no shapes to interact with), the ground
 * truth dashed white and the explained detection solid in the run's colour with its class and score.
 */
export function SaliencyCanvas(p: {
  url: string;
  width: number;
  height: number;
  map: SaliencyMapView | null;
  gt: readonly EvalBox[];
  opacity: number;
  color: string;
  label: string;
  testId: string;
}) {
  const img = useHtmlImage(p.url);
  const ref = useRef<HTMLCanvasElement>(null);
  const s = Math.min(MAX_W / p.width, MAX_H / p.height);
  const cw = Math.round(p.width * s);
  const ch = Math.round(p.height * s);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    ctx.clearRect(0, 0, cw, ch);
    canvas.dataset.drawn = 'none';
    if (!img) return;
    ctx.drawImage(img, 0, 0, cw, ch);
    canvas.dataset.drawn = 'image';
    const m = p.map;
    if (m && m.width > 0 && m.height > 0) {
      const off = document.createElement('canvas');
      off.width = m.width;
      off.height = m.height;
      off
        .getContext('2d')!
        .putImageData(new ImageData(heatmapPixels(m.values, p.opacity), m.width, m.height), 0, 0);
      const r = mapRectOnImage(m.placement, m.width, m.height);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, r.x * s, r.y * s, r.w * s, r.h * s);
      canvas.dataset.drawn = 'saliency';
    }
    ctx.save();
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 1.5;
    ctx.setLineDash([4, 3]);
    for (const b of p.gt) ctx.strokeRect(b.x * s, b.y * s, b.w * s, b.h * s);
    ctx.restore();
    if (m) {
      const d = inputBoxOnImage(m.detection, m.placement);
      ctx.strokeStyle = p.color;
      ctx.lineWidth = 2;
      ctx.strokeRect(d.x * s, d.y * s, d.w * s, d.h * s);
      ctx.font = '12px system-ui, sans-serif';
      const tw = ctx.measureText(p.label).width + 8;
      const ty = d.y * s >= 17 ? d.y * s - 17 : d.y * s + d.h * s;
      const tx = Math.min(Math.max(0, d.x * s), cw - tw);
      ctx.fillStyle = p.color;
      ctx.fillRect(tx, ty, tw, 17);
      ctx.fillStyle = '#ffffff';
      ctx.fillText(p.label, tx + 4, ty + 13);
    }
  }, [img, p.map, p.gt, p.opacity, p.color, p.label, cw, ch, s]);
  return <canvas ref={ref} width={cw} height={ch} data-testid={p.testId} className="saliency-canvas" />;
}
