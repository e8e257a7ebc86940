import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** One WebSocket frame's parts, as a hostile client may set them (nothing is checked here). */
export interface RawFrame {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  masked?: boolean;
  payload?: Buffer;
  /** The length the header declares (default: the payload's); a lie is the point of some tests. */
  declared?: number | bigint;
}

/** The bytes of a frame: header (7/16/64-bit length), mask key when masked, the payload masked. */
export function frameBytes(f: RawFrame): Buffer {
  const payload = f.payload ?? Buffer.alloc(0);
  const len = BigInt(f.declared ?? payload.length);
  const b0 = (f.fin === false ? 0 : 0x80) | ((f.rsv ?? 0) << 4) | (f.opcode & 0x0f);
  const mask = f.masked === false ? 0 : 0x80;
  let head: Buffer;
  if (len < 126n) head = Buffer.from([b0, mask | Number(len)]);
  else if (len < 65536n) {
    head = Buffer.alloc(4);
    head[0] = b0;
    head[1] = mask | 126;
    head.writeUInt16BE(Number(len), 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = b0;
    head[1] = mask | 127;
    head.writeBigUInt64BE(len, 2);
  }
  if (f.masked === false) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  return Buffer.concat([head, key, body]);
}

/** A connection past the WebSocket handshake, and what the server sent after it, frame by frame. */
export interface RawSocket {
  socket: Socket;
  /** Resolves when the connection has ended: the close code the server sent (null: it sent none). */
  closed: Promise<number | null>;
  /** The close code received so far (null: none yet). */
  closeCode(): number | null;
}

/** Open a TCP connection and do the WebSocket handshake by hand (ws's client would refuse to send bad frames). */
export function rawWebSocket(port: number, query: string): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let closeCode: number | null = null;
    const closed = new Promise<number | null>((done) => socket.once('close', () => done(closeCode)));
    socket.on('error', () => undefined); // the server may reset a connection it refused; that is the point
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString();
        buf = buf.subarray(end + 4);
        if (!head.startsWith('HTTP/1.1 101'))
          return reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
        upgraded = true;
        resolve({ socket, closed, closeCode: () => closeCode });
      }
      // server frames are unmasked and small here: find a close frame and read its code
      while (buf.length >= 2) {
        let len = buf[1]! & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) return;
        if ((buf[0]! & 0x0f) === 8 && len >= 2) closeCode = buf.readUInt16BE(off);
        buf = buf.subarray(off + len);
      }
    });
    socket.once('close', () => {
      if (!upgraded) reject(new Error('connection closed before the handshake'));
    });
    socket.write(
      `GET /api/ws${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
        `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
    );
  });
}

/** Send bytes (in pieces, so a big message streams), half-close, and wait for the server to end the connection. */
export async function sendAndWait(raw: RawSocket, bytes: Buffer, waitMs = 5000): Promise<number | null> {
  const { socket } = raw;
  // stop once the server has closed: writing on would make it answer with a reset that can drop its close frame
  for (let i = 0; i < bytes.length && !socket.destroyed && raw.closeCode() === null; i += 1 << 20) {
    const piece = bytes.subarray(i, i + (1 << 20));
    if (!socket.write(piece)) await new Promise((r) => socket.once('drain', r).once('close', r));
    await new Promise((r) => setTimeout(r, 10)); // time for a close frame to arrive before the next piece
  }
  if (!socket.destroyed) socket.end();
  const timer = setTimeout(() => socket.destroy(), waitMs);
  const code = await raw.closed;
  clearTimeout(timer);
  return code;
}
