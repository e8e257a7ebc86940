// A stand-in trainer process speaking the real protocol, so the host's handling of success, cancel, crash and
// kill is tested apart from the (slow) real engine. Behaviour from RIDGE_STANDIN: ok | slow (a second between
// epochs) | hang | crash | sigkill | fail (a predict job answers 'failed'). A predict job answers one box per
// image (score 0.5 + id/100, kept when at least scoreThreshold), or fails, crashes or hangs as the mode says.
const mode = process.env.RIDGE_STANDIN || 'ok';
const metrics = (epoch) => ({
  epoch,
  trainDataLoss: 1 / epoch,
  regLoss: 0,
  valDataLoss: 1.2 / epoch,
  mAP50: 0.1 * (epoch - 1),
  mAP50_95: 0.05 * (epoch - 1),
  weightNorm: 11 - epoch,
  learningRate: 1e-3,
  seconds: 0.01,
});
process.on('message', (cmd) => {
  if (cmd.type === 'cancel') {
    process.send({ type: 'cancelled', epoch: 1 }, () => process.exit(0));
    return;
  }
  if (cmd.type === 'predict') return predict(cmd);
  if (cmd.type !== 'start') return;
  process.send({
    type: 'backend',
    backend: 'cpu',
    reasons: [{ backend: 'cpu', ok: true, reason: 'stand-in' }],
    device: 'test',
  });
  if (mode === 'crash') {
    process.stderr.write('Error: native library exploded\n');
    process.exit(3);
  }
  if (mode === 'sigkill') process.kill(process.pid, 'SIGKILL');
  if (mode === 'hang') return; // waits for cancel
  // epochs count from 1, as the engine reports them
  process.send({ type: 'epoch', metrics: metrics(1) });
  const finish = () => {
    process.send({ type: 'epoch', metrics: metrics(2) });
    process.send(
      { type: 'done', bestEpoch: 2, testMetrics: { AP: 0.4, AP50: 0.8 }, modelDir: cmd.outDir + '/model' },
      () => process.exit(0),
    );
  };
  if (mode === 'slow') setTimeout(finish, 1000);
  else finish();
});

function predict(cmd) {
  if (mode === 'crash') {
    process.stderr.write('Error: native library exploded while predicting\n');
    process.exit(3);
  }
  if (mode === 'sigkill') process.kill(process.pid, 'SIGKILL');
  if (mode === 'hang') return; // never answers: the host's timeout or abort must kill it
  if (mode === 'fail') {
    process.send({ type: 'failed', reason: `no exported model in ${cmd.modelDir}` }, () => process.exit(1));
    return;
  }
  const predictions = cmd.images
    .map((img) => ({ imageId: img.id, classIndex: 0, x: 1, y: 2, w: 3, h: 4, score: 0.5 + img.id / 100 }))
    .filter((d) => d.score >= (cmd.scoreThreshold ?? 0.25));
  process.send({ type: 'predictions', predictions }, () => process.exit(0));
}
