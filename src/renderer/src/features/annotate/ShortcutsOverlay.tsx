import { SHORTCUTS } from './hotkeys';

/** The `?` overlay: every shortcut, from the same table the key handler uses. */
export function ShortcutsOverlay({ onClose }: { onClose(): void }) {
  return (
    <div className="overlay" onClick={onClose} data-testid="shortcuts">
      <div className="dialog" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <div className="keys">
          {SHORTCUTS.map(([k, what]) => (
            <div key={k}>
              <span>{what}</span>
              <kbd>{k}</kbd>
            </div>
          ))}
        </div>
        <p className="hint" style={{ marginTop: 12 }}>
          Every change is saved as you make it. Press <kbd>?</kbd> or <kbd>Esc</kbd> to close.
        </p>
      </div>
    </div>
  );
}
