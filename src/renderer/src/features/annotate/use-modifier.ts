import { useEffect, useState } from 'react';

/** Whether one of `keys` (KeyboardEvent.key names) is held down now; released when the window loses focus. */
export function useKeyHeld(keys: readonly string[]): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    const down = (e: KeyboardEvent) => keys.includes(e.key) && setHeld(true);
    const up = (e: KeyboardEvent) => keys.includes(e.key) && setHeld(false);
    const blur = () => setHeld(false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, [keys]);
  return held;
}
