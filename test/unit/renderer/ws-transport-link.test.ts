import { describe, expect, it } from 'vitest';
import {
  type LinkState,
  type ProbeResult,
  type SocketLike,
  WsTransport,
} from '../../../src/renderer/src/api/ws-transport';

// The page transport's link state and its resume step, with sockets the test plays the server's side of: the
// header's state follows drops and what the HTTP probe says, and after a restarted server's hello (session not
// resumed) the page's resume call goes out before any queued write.
class Scripted implements SocketLike {
  readyState = 0;
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  sent: { id: number; method: string; key?: string }[] = [];
  send(data: string): void {
    this.sent.push(JSON.parse(data) as { id: number; method: string; key?: string });
  }
  up(resumed: boolean): void {
    this.readyState = 1;
    this.onopen?.({});
    this.push({ t: 'hello', session: 's'.repeat(20), resumed });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({});
  }
  push(m: unknown): void {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  answer(i: number, value: unknown = null): void {
    this.push({ t: 'result', id: this.sent[i]!.id, result: { ok: true, value } });
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function transport(probe: () => Promise<ProbeResult>) {
  const sockets: Scripted[] = [];
  const m = new Map<string, string>();
  const t = new WsTransport('ws://x/api/ws?token=t', {
    connect: () => {
      const s = new Scripted();
      sockets.push(s);
      return s;
    },
    store: { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) },
    probe,
  });
  const states: LinkState[] = [];
  t.subscribeState(() => states.push(t.state));
  return { t, sockets, states };
}

describe('the link state', () => {
  it('connected, then offline while the server is down, token-refused when it refuses the token', async () => {
    let probe: ProbeResult = 'down';
    const { t, sockets, states } = transport(() => Promise.resolve(probe));
    expect(t.state).toBe('connecting');
    sockets[0]!.up(false);
    await tick();
    expect(t.state).toBe('connected');
    sockets[0]!.drop();
    await tick();
    expect(states).toEqual(['connected', 'reconnecting', 'offline']);
    probe = 'refused';
    await new Promise((r) => setTimeout(r, 300)); // the first reconnect (250 ms back-off)
    sockets[1]!.drop();
    await tick();
    expect(t.state).toBe('token-refused');
  });

  it('writes queued while offline wait for the hello; a not-resumed hello runs the resume call first', async () => {
    const { t, sockets } = transport(() => Promise.resolve('down'));
    sockets[0]!.up(false);
    await tick();
    const resumed: string[] = [];
    t.onResume = async (call) => {
      resumed.push('resume');
      await call('project.open', { dir: '/p' });
    };
    sockets[0]!.drop();
    const write = t.call('annotations.create', { x: 1 }, { key: 'key-00000001' });
    await new Promise((r) => setTimeout(r, 300));
    const s = sockets[1]!;
    s.readyState = 1;
    s.onopen?.({});
    expect(s.sent).toEqual([]); // nothing before the hello
    s.push({ t: 'hello', session: 'n'.repeat(20), resumed: false });
    await tick();
    expect(resumed).toEqual(['resume']);
    expect(s.sent.map((m) => m.method)).toEqual(['project.open']);
    s.answer(0, { dir: '/p' });
    await tick();
    expect(s.sent.map((m) => [m.method, m.key])).toEqual([
      ['project.open', undefined],
      ['annotations.create', 'key-00000001'],
    ]);
    s.answer(1, { id: 7 });
    await expect(write).resolves.toEqual({ ok: true, value: { id: 7 } });
    expect(t.state).toBe('connected');
  });
});
