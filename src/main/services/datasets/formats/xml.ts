import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Problems } from './common';
import { lineColAt } from './json';

/** A parsed XML document with a way to find the line an element started on. */
export interface XmlDoc {
  root: Record<string, unknown>;
  /** 1-based line of an element object from `root`, when known. */
  lineOf(node: unknown): number | undefined;
}

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Validate and parse XML; a malformed file is reported with its line and null returned. Attributes get '@_'. */
export function parseXml(
  text: string,
  file: string,
  problems: Problems,
  arrayTags: readonly string[],
): XmlDoc | null {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    problems.error(file, `malformed XML at line ${line}, column ${col}: ${msg}`, { line });
    return null;
  }
  let root: unknown;
  try {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      captureMetaData: true,
      isArray: (name, _path, _leaf, isAttribute) => !isAttribute && arrayTags.includes(name),
    });
    root = parser.parse(text);
  } catch (e) {
    problems.error(file, `malformed XML: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
  if (typeof root !== 'object' || root === null) {
    problems.error(file, 'malformed XML: no root element');
    return null;
  }
  return {
    root: root as Record<string, unknown>,
    lineOf: (node) => {
      if (typeof node !== 'object' || node === null) return undefined;
      const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
      return meta?.startIndex === undefined ? undefined : lineColAt(text, meta.startIndex).line;
    },
  };
}

/** An element as an object of children/attributes, or null for text-only or missing elements. */
export function xmlNode(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The text of a leaf element or attribute (trimmed), or undefined when absent or not text. */
export function xmlText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const n = xmlNode(v);
  const t = n?.['#text'];
  return typeof t === 'string' || typeof t === 'number' ? String(t).trim() : undefined;
}

/** Always an array: a repeated element, a single one, or none. */
export function xmlList(v: unknown): unknown[] {
  return v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v];
}

/** Escape text for an XML element or a double-quoted attribute. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A 0/1/true/false flag as VOC and CVAT write them; undefined when absent, null when unreadable. */
export function xmlFlag(v: unknown): boolean | undefined | null {
  const t = xmlText(v);
  if (t === undefined || t === '') return undefined;
  const l = t.toLowerCase();
  if (l === '1' || l === 'true' || l === 'yes') return true;
  if (l === '0' || l === 'false' || l === 'no') return false;
  return null;
}
