import { useEffect, useMemo, useState } from 'react';
import type { QueueState } from '../../../../shared/api/runs-contract';
import type { EpochMetrics } from '../../../../shared/domain/runs';
import type { Connection } from '../../api/client';
import { AXES, PALETTE, UPlotChart } from '../experiments/UPlotChart';
import { formatDuration } from '../experiments/view-model';

/** Most step losses kept per run for the live chart (older points are thinned, never the newest). */
const MAX_POINTS = 4000;

/** The queue while it works: a bar for the queue and for the run, ETA, live loss and mAP curves, Cancel. */
export function LiveProgress({ conn, onEnded }: { conn: Connection; onEnded(): void }) {
  const [q, setQ] = useState<QueueState | null>(null);
  const [loss, setLoss] = useState<{ runId: string; x: number[]; y: number[] }>({ runId: '', x: [], y: [] });
  const [epochs, setEpochs] = useState<EpochMetrics[]>([]);
  const [ended, setEnded] = useState<string[]>([]);
  useEffect(() => {
    void conn.api['runs.queue']({}).then((s) => {
      setQ(s);
      if (s.running) void conn.api['runs.epochs']({ runId: s.running }).then(setEpochs);
    });
    const offs = [
      conn.on('runs.queue', setQ),
      conn.on('run.progress', (e) =>
        setLoss((cur) => {
          const base = cur.runId === e.runId ? cur : { runId: e.runId, x: [], y: [] };
          const x = [...base.x, e.epoch + e.step / Math.max(1, e.steps)];
          const y = [...base.y, e.loss];
          const k = x.length > MAX_POINTS ? 2 : 1;
          return {
            runId: e.runId,
            x: x.filter((_v, i) => i % k === 0 || i === x.length - 1),
            y: y.filter((_v, i) => i % k === 0 || i === y.length - 1),
          };
        }),
      ),
      conn.on('run.epoch', (m) =>
        setEpochs((cur) => [...cur.filter((e) => e.runId === m.runId && e.epoch !== m.epoch), m]),
      ),
      conn.on('run.ended', (e) => {
        setEnded((cur) =>
          [`${e.runId}: ${e.status}${e.failReason ? ` (${e.failReason})` : ''}`, ...cur].slice(0, 8),
        );
        onEnded();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [conn, onEnded]);

  const running = q?.running ?? null;
  const pr = q?.progress && q.progress.runId === running ? q.progress : null;
  const mine = epochs.filter((e) => e.runId === running).sort((a, b) => a.epoch - b.epoch);
  const last = mine[mine.length - 1];
  const lossData = useMemo(
    () => (loss.runId === running ? [loss.x, loss.y] : [[], []]) as [number[], number[]],
    [loss, running],
  );
  const epochData = useMemo(
    () =>
      [
        mine.map((e) => e.epoch),
        mine.map((e) => e.valDataLoss),
        mine.map((e) => e.mAP50),
        mine.map((e) => e.mAP50_95),
      ] as number[][],
    [mine],
  );
  const queueFrac = q && q.batchTotal > 0 ? (q.batchDone + (pr?.fraction ?? 0)) / q.batchTotal : 0;
  const elsewhere = q?.elsewhere ?? [];
  return (
    <div className="card live" data-testid="live">
      <h2>Queue</h2>
      {elsewhere.map((e) => (
        <p className="hint" key={e.runId} data-testid="run-elsewhere">
          Run {e.runId} is training in another process (pid {e.pid}, a ridge train for example): its epochs
          show up in Experiments as they finish.
        </p>
      ))}
      {!q || (!running && q.queued.length === 0) ? (
        <p className="hint" data-testid="queue-idle">
          Nothing is training{elsewhere.length ? ' here' : ''}. Queued runs live in the project file: they
          start again if the server restarts.
        </p>
      ) : (
        <>
          <Bar
            label={`Queue: ${q.batchDone} of ${q.batchTotal} runs done`}
            frac={queueFrac}
            eta={q.batchEtaS}
            testId="queue-bar"
          />
          {running && (
            <Bar
              label={
                pr
                  ? `Run ${running}: epoch ${pr.epoch}/${pr.epochs}, step ${pr.step}/${pr.steps}, loss ${pr.loss.toFixed(3)}` +
                    (pr.imagesPerSecond ? `, ${pr.imagesPerSecond.toFixed(1)} img/s` : '')
                  : `Run ${running}: starting (choosing the backend, loading images)…`
              }
              frac={pr?.fraction ?? 0}
              eta={pr?.etaS ?? null}
              testId="run-bar"
            />
          )}
          <div className="xrow">
            {running && (
              <button
                className="danger"
                data-testid="cancel-run"
                onClick={() => void conn.api['runs.cancel']({ runId: running })}
              >
                Cancel run (stops within a batch)
              </button>
            )}
            {q.queued.length > 0 && (
              <button
                className="danger"
                onClick={() => void Promise.all(q.queued.map((runId) => conn.api['runs.cancel']({ runId })))}
              >
                Cancel {q.queued.length} queued
              </button>
            )}
          </div>
          {last && (
            <p className="hint" data-testid="epoch-metrics">
              Epoch {last.epoch}: train loss {last.trainDataLoss.toFixed(3)} · val loss{' '}
              {last.valDataLoss.toFixed(3)} · val mAP50 {(100 * last.mAP50).toFixed(1)}% · mAP50-95{' '}
              {(100 * last.mAP50_95).toFixed(1)}% · |w| {last.weightNorm.toFixed(1)}
            </p>
          )}
          <div className="charts2">
            <div>
              <h3>Training loss per step (live)</h3>
              <UPlotChart
                testId="live-loss"
                height={180}
                data={lossData}
                options={{
                  scales: { x: { time: false } },
                  axes: AXES,
                  legend: { show: false },
                  series: [{ label: 'epoch' }, { label: 'loss', stroke: PALETTE[0], width: 1.5 }],
                }}
              />
            </div>
            <div>
              <h3>Validation per epoch</h3>
              <UPlotChart
                testId="live-map"
                height={180}
                data={epochData as [number[], ...number[][]]}
                options={{
                  scales: { x: { time: false } },
                  axes: AXES,
                  series: [
                    { label: 'epoch' },
                    { label: 'val loss', stroke: PALETTE[1], width: 1.5 },
                    { label: 'mAP50', stroke: PALETTE[2], width: 1.5 },
                    { label: 'mAP50-95', stroke: PALETTE[3], width: 1.5 },
                  ],
                }}
              />
            </div>
          </div>
        </>
      )}
      {ended.length > 0 && (
        <ul className="ended" data-testid="ended">
          {ended.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Bar({
  label,
  frac,
  eta,
  testId,
}: {
  label: string;
  frac: number;
  eta: number | null;
  testId: string;
}) {
  const pct = Math.round(100 * Math.min(1, Math.max(0, frac)));
  return (
    <div className="progress" data-testid={testId} data-pct={pct}>
      <div className="progress-label">
        <span>{label}</span>
        <span>
          {pct}%{eta !== null ? ` · about ${formatDuration(eta)} left` : ''}
        </span>
      </div>
      <div className="progress-track">
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
