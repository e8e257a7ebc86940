import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/shared/random';
import { REPO_ROOT } from '../../helpers/paths';
import { frameBytes, type RawFrame, rawWebSocket, sendAndWait } from '../../helpers/raw-ws';
import { makeTmpDir } from '../../helpers/tmp';
import { rawGet, sampleProjects, wsCall, wsConnect } from './helpers';

// Issue 15: one bad WebSocket frame killed `ridge serve` (an unhandled 'error' event). This runs the built CLI and
// sends it the eight reported frames and a few hundred seeded random ones; serve must stay up, close each bad
// connection with the right code, log one line for it, and keep answering a connection that was open throughout.

const tmp = makeTmpDir('ridge-ws-frames-');
let serve: ChildProcess;
let port: number;
let token: string;
const logLines: string[] = [];

beforeAll(async () => {
  const dir = path.join(tmp.dir, 'served');
  await sampleProjects([{ dir, images: 2, seed: 5 }]);
  serve = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ridge.cjs'), 'serve', dir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  createInterface({ input: serve.stderr! }).on('line', (l) => logLines.push(l));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: serve.stdout! }).once('line', resolve);
    serve.once('exit', (code) => reject(new Error(`ridge serve exited (${code}): ${logLines.join('\n')}`)));
  });
  const u = new URL(url);
  port = Number(u.port);
  token = u.searchParams.get('token')!;
});
afterAll(async () => {
  if (serve.exitCode === null) {
    const exited = new Promise((r) => serve.once('exit', r));
    serve.kill('SIGTERM');
    await exited;
  }
  tmp.cleanup();
});

const MIB = 1024 * 1024;
const text = (s: string) => Buffer.from(s);

/** The frames issue 15 reported, each with the close code RFC 6455 gives it. */
const REPORTED: { kind: string; bytes: () => Buffer; code: number }[] = [
  {
    kind: 'a header declaring 2^40 bytes',
    bytes: () => frameBytes({ opcode: 1, declared: 2n ** 40n }),
    code: 1009,
  },
  {
    kind: 'invalid UTF-8 in a text frame',
    bytes: () => frameBytes({ opcode: 1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0xc3]) }),
    code: 1007,
  },
  {
    kind: 'an unmasked frame',
    bytes: () => frameBytes({ opcode: 1, masked: false, payload: text('{}') }),
    code: 1002,
  },
  { kind: 'opcode 3', bytes: () => frameBytes({ opcode: 3, payload: text('x') }), code: 1002 },
  { kind: 'RSV1 set', bytes: () => frameBytes({ opcode: 1, rsv: 4, payload: text('{}') }), code: 1002 },
  {
    kind: 'a 200-byte ping',
    bytes: () => frameBytes({ opcode: 9, payload: Buffer.alloc(200, 1) }),
    code: 1002,
  },
  {
    kind: 'a fragmented ping',
    bytes: () => frameBytes({ opcode: 9, fin: false, payload: text('p') }),
    code: 1002,
  },
  {
    kind: 'a real 17 MiB message',
    bytes: () => frameBytes({ opcode: 1, payload: Buffer.alloc(17 * MIB, 0x61) }),
    code: 1009,
  },
  {
    kind: 'a 17 MiB message in 4 fragments',
    bytes: () =>
      Buffer.concat([
        frameBytes({ opcode: 1, fin: false, payload: Buffer.alloc(4.25 * MIB, 0x61) }),
        frameBytes({ opcode: 0, fin: false, payload: Buffer.alloc(4.25 * MIB, 0x61) }),
        frameBytes({ opcode: 0, fin: false, payload: Buffer.alloc(4.25 * MIB, 0x61) }),
        frameBytes({ opcode: 0, fin: true, payload: Buffer.alloc(4.25 * MIB, 0x61) }),
      ]),
    code: 1009,
  },
];

/** A random frame: any bits in the first byte, masked or not, a length that may lie, up to 300 bytes sent. */
function randomFrame(rand: () => number): RawFrame {
  const payload = Buffer.alloc(Math.floor(rand() * 300));
  for (let i = 0; i < payload.length; i++) payload[i] = Math.floor(rand() * 256);
  const lie = rand();
  return {
    fin: rand() < 0.7,
    rsv: rand() < 0.2 ? Math.floor(rand() * 8) : 0,
    opcode: Math.floor(rand() * 16),
    masked: rand() < 0.85,
    payload,
    ...(lie < 0.1 ? { declared: BigInt(Math.floor(rand() * 2 ** 52)) } : {}),
    ...(lie >= 0.1 && lie < 0.2 ? { declared: Math.floor(rand() * 70000) } : {}),
  };
}

async function healthy(ws: Awaited<ReturnType<typeof wsConnect>>['ws']): Promise<void> {
  expect(serve.exitCode).toBeNull();
  const info = await wsCall(ws!, 'project.info', {});
  expect(info).toMatchObject({ ok: true, value: { name: 'served' } });
  expect((await rawGet(port, `/api/health?token=${token}`)).status).toBe(200);
}

describe('ridge serve and hostile WebSocket frames (issue 15)', () => {
  it('closes each reported bad frame with its code, logs one line, and keeps serving the other connection', async () => {
    const other = await wsConnect(port, `?token=${token}`);
    for (const r of REPORTED) {
      const before = logLines.length;
      const raw = await rawWebSocket(port, `?token=${token}`);
      expect(await sendAndWait(raw, r.bytes()), r.kind).toBe(r.code);
      await healthy(other.ws);
      const lines = logLines.slice(before).filter((l) => l.startsWith('ridge serve: closed a connection'));
      expect(lines, r.kind).toEqual([expect.stringContaining(`(${r.code})`)]);
    }
    other.ws!.close();
  });

  it('survives 300 seeded random frames sent 25 connections at a time', async () => {
    const other = await wsConnect(port, `?token=${token}`);
    const rand = mulberry32(15);
    let ended = 0;
    for (let batch = 0; batch < 12; batch++) {
      const conns = Array.from({ length: 25 }, async () => {
        const raw = await rawWebSocket(port, `?token=${token}`);
        const frames = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
          frameBytes(randomFrame(rand)),
        );
        await sendAndWait(raw, Buffer.concat(frames));
        ended++;
      });
      await Promise.all(conns);
      await healthy(other.ws);
    }
    expect(ended).toBe(300);
    expect(logLines.filter((l) => /Unhandled|RangeError|internal error/.test(l))).toEqual([]);
    other.ws!.close();
  });
});
