// The stage transform and the pure arithmetic on it (unit-tested without a DOM).

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

/**
 * The view that shows a box: unchanged when the box is already fully on screen, else centred on it (zoomed out
 * just enough when it is larger than the stage). Review keys use it so nothing is acted on off-screen.
 */
export function revealView(
  v: View,
  box: { x: number; y: number; w: number; h: number },
  stageW: number,
  stageH: number,
  margin = 24,
): View {
  const left = v.x + box.x * v.scale;
  const top = v.y + box.y * v.scale;
  const inside = left >= 0 && top >= 0 && left + box.w * v.scale <= stageW && top + box.h * v.scale <= stageH;
  if (inside) return v;
  const fit = Math.min((stageW - 2 * margin) / box.w, (stageH - 2 * margin) / box.h);
  const scale = Math.max(0.02, Math.min(v.scale, fit));
  return {
    scale,
    x: stageW / 2 - (box.x + box.w / 2) * scale,
    y: stageH / 2 - (box.y + box.h / 2) * scale,
  };
}
