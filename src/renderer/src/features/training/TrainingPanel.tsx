import { useCallback, useEffect, useState } from 'react';
import type { TrainPreflight } from '../../../../shared/api/runs-contract';
import {
  BACKBONES,
  type BackboneName,
  BACKEND_REQUESTS,
  DEFAULT_LAMBDA,
  REG_MODES,
  type BackendRequest,
  type RegMode,
} from '../../../../shared/domain/runs';
import type { Connection } from '../../api/client';
import '../experiments/experiments.css';
import { LiveProgress } from './LiveProgress';
import { formatLambda, parseLambda, REG_HELP } from './reg-help';
import {
  type BaseSettings,
  type CompareOptions,
  DEFAULT_COMPARE,
  DEFAULT_SETTINGS,
  L2_SWEEP,
  optimizersOf,
  type PresetName,
  PRESETS,
  runCount,
  settingHelp,
  trainRequest,
} from './presets';

/** The Train tab: one click with presets, every setting under Advanced, a pre-flight check, live progress. */
export function TrainingPanel({ conn }: { conn: Connection }) {
  const [preset, setPreset] = useState<PresetName>('quick');
  const [s, setS] = useState<BaseSettings>({ ...DEFAULT_SETTINGS, ...PRESETS.quick.base });
  const [cmp, setCmp] = useState<CompareOptions>(DEFAULT_COMPARE);
  const [pre, setPre] = useState<TrainPreflight | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const refresh = useCallback(
    () => void conn.api['runs.preflight']({}).then(setPre, (e: Error) => setMsg(e.message)),
    [conn],
  );
  useEffect(refresh, [refresh]);
  const pick = (p: PresetName) => {
    setPreset(p);
    setS((cur) => ({ ...cur, ...DEFAULT_SETTINGS, ...PRESETS[p].base, backend: cur.backend }));
  };
  const request = trainRequest(preset, s, cmp);
  const runs = runCount(request);
  const start = async () => {
    setMsg(null);
    try {
      const r =
        request.method === 'runs.start'
          ? await conn.api['runs.start'](request.args)
          : await conn.api['runs.startCompare'](request.args);
      setMsg(`Queued ${r.runIds.length} run${r.runIds.length > 1 ? 's' : ''}.`);
      refresh();
    } catch (e) {
      setMsg((e as Error).message);
    }
  };
  const set = <K extends keyof BaseSettings>(k: K, v: BaseSettings[K]) => setS((cur) => ({ ...cur, [k]: v }));
  const num = (
    k: 'epochs' | 'imgSize' | 'batchSize' | 'learningRate' | 'widthMultiplier' | 'seed' | 'maxDet',
    step = 'any',
  ) => (
    <Field k={k} reg={s.reg}>
      <input
        type="number"
        step={step}
        aria-label={settingHelp(k, s.reg).label}
        value={s[k]}
        onChange={(e) => set(k, Number(e.target.value))}
      />
    </Field>
  );
  return (
    <div className="training" data-testid="training">
      <div className="col">
        <div className="card">
          <h2>Train a detector</h2>
          <div className="presets" role="radiogroup" aria-label="preset">
            {(Object.keys(PRESETS) as PresetName[]).map((p) => (
              <button
                key={p}
                role="radio"
                aria-checked={preset === p}
                className={`preset ${preset === p ? 'on' : ''}`}
                onClick={() => pick(p)}
              >
                <b>{PRESETS[p].title}</b>
                <span>{PRESETS[p].blurb}</span>
              </button>
            ))}
          </div>
          {preset === 'compare' && (
            <div className="compare-opts" data-testid="compare-options">
              <label>
                Seeds per arm{' '}
                <input
                  type="number"
                  min={1}
                  max={20}
                  aria-label="seeds per arm"
                  value={cmp.seeds}
                  onChange={(e) => setCmp({ ...cmp, seeds: Math.max(1, Number(e.target.value) || 1) })}
                />
              </label>
              {(['wd', 'l1', 'dropout'] as const).map((k) => (
                <label key={k}>
                  <input
                    type="checkbox"
                    checked={cmp[k]}
                    onChange={(e) => setCmp({ ...cmp, [k]: e.target.checked })}
                  />{' '}
                  add {k === 'wd' ? 'decoupled weight decay' : k === 'l1' ? 'L1' : 'dropout'} (
                  {k === 'dropout' ? 'rate' : 'λ'} {formatLambda(k, DEFAULT_LAMBDA[k])})
                </label>
              ))}
              <label>
                <input
                  type="checkbox"
                  checked={cmp.sweep}
                  onChange={(e) => setCmp({ ...cmp, sweep: e.target.checked })}
                />{' '}
                sweep L2 strength ({L2_SWEEP.map((l) => formatLambda('l2', l)).join(', ')})
              </label>
              <ul className="reg-help-list" data-testid="reg-help">
                {(['l2', 'wd', 'l1', 'dropout'] as const)
                  .filter((m) => m === 'l2' || cmp[m])
                  .map((m) => (
                    <li key={m}>{REG_HELP[m]}</li>
                  ))}
              </ul>
            </div>
          )}
          <details className="advanced">
            <summary>Advanced: every setting (defaults in brackets)</summary>
            <div className="fields">
              {num('epochs', '1')}
              {num('imgSize', '16')}
              {num('batchSize', '1')}
              {num('learningRate')}
              <Field k="backend" reg={s.reg}>
                <select
                  aria-label="Backend"
                  value={s.backend}
                  onChange={(e) => set('backend', e.target.value as BackendRequest)}
                >
                  {BACKEND_REQUESTS.map((b) => (
                    <option key={b}>{b}</option>
                  ))}
                </select>
              </Field>
              {num('widthMultiplier')}
              <Field k="backbone" reg={s.reg}>
                <select
                  aria-label="Backbone"
                  value={s.backbone}
                  onChange={(e) => set('backbone', e.target.value as BackboneName)}
                >
                  {BACKBONES.map((b) => (
                    <option key={b}>{b}</option>
                  ))}
                </select>
              </Field>
              {num('maxDet', '1')}
              {preset !== 'compare' && (
                <>
                  {num('seed', '1')}
                  <Field k="reg" reg={s.reg}>
                    <select
                      aria-label="Regularization"
                      value={s.reg}
                      onChange={(e) => {
                        const reg = e.target.value as RegMode;
                        setS({ ...s, reg, lambda: DEFAULT_LAMBDA[reg] });
                      }}
                    >
                      {REG_MODES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                    <span className="reg-help" data-testid="reg-help">
                      {REG_HELP[s.reg]}
                    </span>
                  </Field>
                  {s.reg !== 'none' && (
                    <Field k="lambda" reg={s.reg}>
                      <LambdaInput mode={s.reg} value={s.lambda} onChange={(v) => set('lambda', v)} />
                    </Field>
                  )}
                </>
              )}
            </div>
          </details>
          <div className="train-row">
            <button
              className="primary big"
              data-testid="train"
              disabled={!pre || pre.blocked}
              onClick={() => void start()}
            >
              Train {runs > 1 ? `${runs} runs` : ''}
            </button>
            <span className="hint">
              {runs} run{runs > 1 ? 's' : ''} × {s.epochs} epochs at {s.imgSize} px, {optimizersOf(request)}
            </span>
          </div>
          {msg && (
            <p className="hint" data-testid="train-msg">
              {msg}
            </p>
          )}
        </div>
        <Preflight pre={pre} backend={s.backend} />
      </div>
      <div className="col wide">
        <LiveProgress conn={conn} onEnded={refresh} />
      </div>
    </div>
  );
}

function Field({ k, reg, children }: { k: keyof BaseSettings; reg: RegMode; children: React.ReactNode }) {
  const h = settingHelp(k, reg);
  // The strength's default is the chosen mode's, in that mode's one number format.
  const fallback = k === 'lambda' ? formatLambda(reg, DEFAULT_LAMBDA[reg]) : String(DEFAULT_SETTINGS[k]);
  return (
    <label className="field">
      <span>
        {h.label} <em>[{fallback}]</em>
      </span>
      {children}
      <small>{h.help}</small>
    </label>
  );
}

/** The strength field: typed freely, shown in the one format of its mode once it is left (0.0001 -> 1e-4). */
function LambdaInput(p: { mode: RegMode; value: number; onChange(v: number): void }) {
  const [text, setText] = useState(formatLambda(p.mode, p.value));
  const [bad, setBad] = useState(false);
  useEffect(() => setText(formatLambda(p.mode, p.value)), [p.mode, p.value]);
  const commit = () => {
    const v = parseLambda(text);
    setBad(v === null);
    if (v === null) return;
    p.onChange(v);
    setText(formatLambda(p.mode, v));
  };
  return (
    <>
      <input
        type="text"
        inputMode="decimal"
        aria-label={settingHelp('lambda', p.mode).label}
        aria-invalid={bad}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {bad && (
        <small className="err">A number ≥ 0, e.g. {formatLambda(p.mode, DEFAULT_LAMBDA[p.mode])}.</small>
      )}
    </>
  );
}

function Preflight({ pre, backend }: { pre: TrainPreflight | null; backend: BackendRequest }) {
  if (!pre) return <div className="card">Checking the data…</div>;
  const last = pre.lastBackend;
  return (
    <div className="card" data-testid="preflight">
      <h2>Before training</h2>
      <table className="mini">
        <thead>
          <tr>
            <th>split</th>
            <th>images</th>
            <th>boxes</th>
          </tr>
        </thead>
        <tbody>
          {(['train', 'val', 'test'] as const).map((k) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{pre.splits[k].images}</td>
              <td>{pre.splits[k].boxes}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint" data-testid="backend-info">
        {backend !== 'auto' ? (
          <>
            Backend: <b>{backend}</b> (chosen in Advanced).
          </>
        ) : last ? (
          <>
            Backend: <b>auto</b>; the last run ({last.runId}) measured and ran on <b>{last.backend}</b>
            {last.device ? ` (${last.device})` : ''}. Shown from that run's record: measuring now would take
            as long as starting a run.
          </>
        ) : (
          <>
            Backend: <b>auto</b>; the first run measures every backend on this model ({pre.cpus} CPU threads
            here).
          </>
        )}
      </p>
      {backend === 'auto' && last && (
        <ul className="reasons">
          {last.reasons.map((r) => (
            <li key={r.backend} className={r.ok ? 'ok' : 'no'}>
              {r.backend}: {r.reason}
              {r.imagesPerSecond ? ` (${r.imagesPerSecond.toFixed(1)} img/s)` : ''}
            </li>
          ))}
        </ul>
      )}
      {pre.warnings.map((w) => (
        <p key={w} className="err" data-testid="preflight-warning">
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}
