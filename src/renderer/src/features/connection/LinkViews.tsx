import { useSyncExternalStore } from 'react';
import type { LinkStatus } from '../../api/client';
import type { LinkState } from '../../api/ws-transport';
import './connection.css';

/** The link's state, re-rendered on every change. */
export function useLinkState(link: LinkStatus): LinkState {
  return useSyncExternalStore(link.subscribe, () => link.state);
}

const BADGE: Record<LinkState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  'token-refused': 'Token refused',
};

/** The header's connection badge: a dot and a word for the link's state. */
export function LinkBadge({ state }: { state: LinkState }) {
  return (
    <span className={`link ${state}`} data-testid="connection" title={BADGE[state]}>
      {BADGE[state]}
    </span>
  );
}

/**
 * What the page says while the server cannot be reached: edits are kept in this browser and saved when it is
 * back; views that are loading wait for it (so nothing looks stuck without a reason).
 */
export function OfflineBanner({ state }: { state: LinkState }) {
  if (state !== 'offline' && state !== 'reconnecting') return null;
  return (
    <div className="link-banner" role="status" data-testid="offline-banner">
      {state === 'offline'
        ? 'The server is not answering. Your edits are kept in this browser and saved when it is back; ' +
          'images and lists load again then.'
        : 'Reconnecting to the server…'}
    </div>
  );
}

/** Shown over the page when the server refuses this page's token (it was restarted with a new one). */
export function TokenRefused({ state }: { state: LinkState }) {
  if (state !== 'token-refused') return null;
  return (
    <div className="token-refused-page" role="alertdialog" aria-labelledby="token-refused-title">
      <div className="card" data-testid="token-refused">
        <h2 id="token-refused-title">This page's access token was refused</h2>
        <p>
          The server is running, but with a new access token: it was restarted with a fresh one, so the
          address this page was opened with no longer works.
        </p>
        <p>
          To go on, open the new URL: <code>ridge serve</code> prints it as the first line in the terminal
          where it runs (it looks like <code>http://127.0.0.1:7878/?token=…</code>). Copy it into this tab's
          address bar.
        </p>
        <p className="hint">
          Edits you made that were not saved yet are kept in this browser and are saved when you open the new
          URL.
        </p>
      </div>
    </div>
  );
}

/** The offline banner and the token-refused page for a view without a header of its own (the project home). */
export function LinkOverlay({ link }: { link: LinkStatus }) {
  const state = useLinkState(link);
  return (
    <>
      <OfflineBanner state={state} />
      <TokenRefused state={state} />
    </>
  );
}
