import { useEffect, useState } from 'react';
import { RECONNECTED_EVENT } from '../../../api/client';

export type { View } from './view';
export { fitView, revealView, zoomAt } from './view';

/** An image being loaded for Konva: the element once decoded, and whether loading failed (offline, say). */
export interface LoadedImage {
  img: HTMLImageElement | null;
  failed: boolean;
  /** Load it again (after a failure). */
  retry(): void;
}

/**
 * Load an image element for Konva, saying when it failed so the canvas never shows boxes over a black area
 * without a word; null until it has decoded (the previous image never shows under new boxes).
 */
export function useLoadedImage(url: string | null): LoadedImage {
  const [img, setImg] = useState<HTMLImageElement | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setImg(null);
    setFailed(false);
    if (!url) return;
    const el = new window.Image();
    let live = true;
    el.onload = () => live && setImg(el);
    el.onerror = () => live && setFailed(true);
    el.src = url;
    return () => {
      live = false;
    };
  }, [url, attempt]);
  useEffect(() => {
    if (!failed) return;
    // The server is back: load the image again without waiting for a click.
    const again = () => setAttempt((n) => n + 1);
    window.addEventListener(RECONNECTED_EVENT, again);
    return () => window.removeEventListener(RECONNECTED_EVENT, again);
  }, [failed]);
  return { img, failed, retry: () => setAttempt((n) => n + 1) };
}

/** Load an image element for Konva; null until it has decoded (the previous image never shows under new boxes). */
export function useHtmlImage(url: string | null): HTMLImageElement | null {
  return useLoadedImage(url).img;
}
