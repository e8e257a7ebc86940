import { useEffect, useState } from 'react';

export type { View } from './view';
export { fitView, revealView, zoomAt } from './view';

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
