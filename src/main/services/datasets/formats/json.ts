import type { Problems } from './common';

// JSON reading for the JSON formats: a parse that reports line and column (Node 20's JSON.parse messages often carry
// no position), plus the small type guards the parsers use to check fields without throwing.

/** Line and column (1-based) of a character offset in a text. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/** Offset of the first JSON syntax error in `text` (a small grammar walk), or -1 if the text is valid JSON. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const str = (): void => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      for (const ch of word) {
        if (text[i] !== ch) fail();
        i++;
      }
    } else {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) fail();
      i += (m as RegExpExecArray)[0].length;
    }
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return typeof at === 'number' ? at : 0;
  }
}

const NON_FINITE_MARK = '\u0000non-finite:';
const NON_FINITE_WORDS: [string, number][] = [
  ['-Infinity', -Infinity],
  ['Infinity', Infinity],
  ['NaN', NaN],
];

/**
 * The text with each bare NaN, Infinity or -Infinity (as Python's json module writes them) in a value position
 * turned into a marked string, or null when there is none. Strings are skipped, so "NaN" as a label stays a label.
 */
export function markNonFiniteLiterals(text: string): string | null {
  let out = '';
  let from = 0;
  let prev = '';
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      prev = '"';
      continue;
    }
    if (' \t\r\n'.includes(c)) continue;
    const word = '[:,'.includes(prev) ? NON_FINITE_WORDS.find(([w]) => text.startsWith(w, i)) : undefined;
    if (word && !/[A-Za-z0-9_]/.test(text[i + word[0].length] ?? '')) {
      out += `${text.slice(from, i)}"\\u0000non-finite:${word[0]}"`; // JSON's escape for NON_FINITE_MARK
      i += word[0].length - 1;
      from = i + 1;
      prev = '"';
      found = true;
      continue;
    }
    prev = c;
  }
  return found ? out + text.slice(from) : null;
}

function reviveNonFinite(_key: string, value: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith(NON_FINITE_MARK)) return value;
  const word = value.slice(NON_FINITE_MARK.length);
  return NON_FINITE_WORDS.find(([w]) => w === word)?.[1] ?? value;
}

/**
 * Parse JSON text; on a syntax error report it (with line and column) and return undefined. Python's bare NaN and
 * Infinity are read as those numbers (so a box holding one is dropped with a warning, as in every other format).
 */
export function parseJson(text: string, file: string, problems: Problems): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const marked = markNonFiniteLiterals(text);
    if (marked !== null) {
      try {
        return JSON.parse(marked, reviveNonFinite) as unknown;
      } catch {
        // not only that: report the original error below
      }
    }
    const off = jsonErrorOffset(text);
    const where = off >= 0 ? lineColAt(text, off) : undefined;
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const pos = where ? ` at line ${where.line}, column ${where.col}` : '';
    problems.error(file, `malformed JSON${pos}: ${why}`, where ? { line: where.line } : {});
    return undefined;
  }
}

/** Whether a value is a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a value is a finite number. */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A short description of a JSON value's type for messages ('string', 'array', 'null'...). */
export function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}
