import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './paths';

/** A writer in another process holding the project's write lock (BEGIN IMMEDIATE) until release() is called. */
export async function holdLock(file: string): Promise<{ release(): Promise<void>; child: ChildProcess }> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    db.prepare("UPDATE project SET name = name").run();
    console.log('locked');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); console.log('released'); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', script, file], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const next = () => new Promise<string>((r) => lines.once('line', r));
  if ((await next()) !== 'locked') throw new Error('the lock holder did not take the lock');
  return {
    child,
    release: async () => {
      const released = next();
      child.stdin!.write('go\n');
      if ((await released) !== 'released') throw new Error('the lock holder did not release the lock');
    },
  };
}
