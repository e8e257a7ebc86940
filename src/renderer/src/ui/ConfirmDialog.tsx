import type { ReactNode } from 'react';

/** A small modal that asks before a destructive step (class delete, merge). */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  disabled?: boolean;
  children?: ReactNode;
  onConfirm(): void;
  onCancel(): void;
}) {
  return (
    <div className="overlay" onClick={props.onCancel} role="dialog" aria-label={props.title}>
      <div
        className="dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
      >
        <h2>{props.title}</h2>
        <p className="hint">{props.body}</p>
        {props.children}
        <div className="btns" style={{ justifyContent: 'flex-end', marginTop: 14 }}>
          <button onClick={props.onCancel}>Cancel</button>
          <button
            className={props.danger ? 'primary danger' : 'primary'}
            disabled={props.disabled}
            onClick={props.onConfirm}
            autoFocus
          >
            {props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
