import { useEffect, useState } from 'react';

/** Load an image element for Konva; null until it has decoded (the previous image never shows under new boxes). */
export function useHtmlImage(url: string | null): HTMLImageElement | null {
  const [img, setImg] = useState<HTMLImageElement | null>(null);
  useEffect(() => {
    setImg(null);
    if (!url) return;
    const el = new window.Image();
    let live = true;
    el.onload = () => live && setImg(el);
    el.src = url;
    return () => {
      live = false;
    };
  }, [url]);
  return img;
}

/** The stage transform: image pixels -> screen (zoom and pan live only here, never in the boxes). */
export interface View {
  scale: number;
  x: number;
  y: number;
}

/** The view that fits a whole image in the stage, centred, with a small margin. */
export function fitView(stageW: number, stageH: number, imgW: number, imgH: number): View {
  const scale = Math.min(stageW / imgW, stageH / imgH) * 0.96;
  return { scale, x: (stageW - imgW * scale) / 2, y: (stageH - imgH * scale) / 2 };
}

/** Zoom by `factor` keeping the image point under the cursor where it is. */
export function zoomAt(v: View, px: number, py: number, factor: number): View {
  const scale = Math.min(64, Math.max(0.02, v.scale * factor));
  const ix = (px - v.x) / v.scale;
  const iy = (py - v.y) / v.scale;
  return { scale, x: px - ix * scale, y: py - iy * scale };
}
