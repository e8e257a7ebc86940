import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

/** A fresh random token per `ridge serve` start: whoever lacks it cannot read or change the project. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Whether a --host value only listens on this machine (anything else needs --allow-remote). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The token a request carries: `?token=` or `Authorization: Bearer`. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  return url.searchParams.get('token');
}

/** Constant-time token comparison (hashing first makes the lengths equal). */
export function tokenMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** What the guard accepts: the token, and which Host headers name this server (null until it listens). */
export interface GuardConfig {
  token: string;
  allowedHosts: Set<string> | null;
}

/** The Host header values a loopback server answers to (DNS-rebinding defence): its own names with its port. */
export function loopbackHosts(boundHost: string, port: number): Set<string> {
  const names = new Set([
    '127.0.0.1',
    'localhost',
    '[::1]',
    boundHost.includes(':') ? `[${boundHost}]` : boundHost,
  ]);
  return new Set([...names].map((n) => `${n.toLowerCase()}:${port}`));
}

/** Why a request is refused, or null when it may go on. */
export type Refusal = { status: 401 | 403; message: string } | null;

/** Check Host and Origin (403), then the token when the path needs it (401). */
export function checkRequest(
  req: IncomingMessage,
  url: URL,
  guard: GuardConfig,
  needToken: boolean,
): Refusal {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!host) return { status: 403, message: 'missing Host header' };
  if (guard.allowedHosts && !guard.allowedHosts.has(host))
    return { status: 403, message: `foreign Host header '${host}'` };
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`)
    return { status: 403, message: `foreign Origin '${origin}'` };
  if (needToken && !tokenMatches(requestToken(req, url), guard.token))
    return { status: 401, message: 'missing or wrong token (open the URL ridge serve printed)' };
  return null;
}

/** Whether a bound address listens on every interface (0.0.0.0, ::). */
function isWildcard(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '';
}

/**
 * The Host header values the server answers to (DNS-rebinding defence, kept with --allow-remote): the loopback
 * names, the address it is bound to (for 0.0.0.0 or ::, each of this machine's interface addresses), and each
 * public host name (`name` gets the server's port; `name:port` is taken as it is).
 */
export function allowedHosts(boundHost: string, port: number, publicHosts: readonly string[]): Set<string> {
  const out = loopbackHosts(boundHost, port);
  const bound = isWildcard(boundHost)
    ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
    : [boundHost];
  for (const a of bound)
    out.add(`${a.includes(':') ? `[${a.replace(/^\[|\]$/g, '')}]` : a}:${port}`.toLowerCase());
  for (const name of publicHosts) {
    const n = name.trim().toLowerCase();
    if (/^(\[[^\]]+\]|[^:]+):\d+$/.test(n)) out.add(n);
    else out.add(`${n.includes(':') && !n.startsWith('[') ? `[${n}]` : n}:${port}`);
  }
  return out;
}
