// A host that forks the real trainer with a training job, prints the trainer's pid, then waits to be killed:
// the orphan test kills this host with SIGKILL and checks that the trainer does not train on for no one.
const { fork } = require('node:child_process');
const [entry, manifestPath, outDir] = process.argv.slice(2);
const child = fork(entry, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
child.on('message', (m) => {
  if (m.type === 'progress') process.stdout.write(`training ${child.pid}\n`);
});
child.send({
  type: 'start',
  runId: 'orphan',
  manifestPath,
  outDir,
  resume: false,
  config: {
    reg: 'none',
    lambda: 0,
    epochs: 500,
    seed: 1,
    imgSize: 64,
    batchSize: 2,
    learningRate: 1e-3,
    optimizer: 'adam',
    backend: 'tfjs-node',
    widthMultiplier: 0.25,
    arm: 'orphan',
  },
});
setInterval(() => undefined, 1000);
