/**
 * A small view of a parsed XML document for the MusicXML reader.
 *
 * fast-xml-parser runs with `preserveOrder`, so an element is
 * `{ tag: children[], ':@'?: attributes }` and document order is kept —
 * inside a <measure> the order of <note>, <backup>, <forward> and
 * <attributes> is the time line. Character references (`&#233;`, `&#xE9;`)
 * are decoded in all text and attributes. Malformed XML becomes a
 * MusegenError BAD_FORMAT naming the line.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MusegenError } from '../errors.js';

/** One parsed element (or a text node, whose tag is '#text'). */
export type XmlNode = Record<string, unknown>;

const ATTRS = ':@';
const TEXT = '#text';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // numeric character references (&#233; &#xE9;) as well as XML's five named entities
  htmlEntities: true,
  jPath: false,
  // content never read: skipped as raw text, which parses faster
  stopNodes: ['*.defaults', '*.credit', '*.print', '*.lyric', '*.identification'],
});

/** Parse XML text into its top-level nodes; malformed XML throws BAD_FORMAT with the line. */
export function parseXml(text: string): XmlNode[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, msg } = valid.err;
    throw new MusegenError('BAD_FORMAT', `malformed XML (line ${line}: ${msg})`);
  }
  return parser.parse(text) as XmlNode[];
}

/** The element name of a node ('#text' for text). */
export function tagOf(node: XmlNode): string {
  for (const k in node) if (k !== ATTRS) return k;
  return '';
}

/** Child nodes of an element, in document order. */
export function childrenOf(node: XmlNode): XmlNode[] {
  const v = node[tagOf(node)];
  return Array.isArray(v) ? (v as XmlNode[]) : [];
}

/** An attribute's value, or undefined. */
export function attr(node: XmlNode, name: string): string | undefined {
  const a = node[ATTRS] as Record<string, string> | undefined;
  return a?.[name];
}

/** The first child element named `tag`. */
export function child(node: XmlNode, tag: string): XmlNode | undefined {
  for (const c of childrenOf(node)) if (tag in c) return c;
  return undefined;
}

/** Every child element named `tag`. */
export function childrenNamed(node: XmlNode, tag: string): XmlNode[] {
  return childrenOf(node).filter((c) => tag in c);
}

/** Concatenated text directly inside an element. */
export function textOf(node: XmlNode | undefined): string {
  if (!node) return '';
  let s = '';
  for (const c of childrenOf(node)) if (TEXT in c) s += String(c[TEXT]);
  return s;
}

/** Text of the child element at a path of tags ('pitch', 'step'), or '' when absent. */
export function childText(node: XmlNode | undefined, ...path: string[]): string {
  let n = node;
  for (const tag of path) n = n && child(n, tag);
  return textOf(n).trim();
}

/** The document's root element (the first element that is not text). */
export function rootElement(nodes: XmlNode[]): XmlNode | undefined {
  return nodes.find((n) => tagOf(n) !== TEXT);
}

/** Decode XML bytes: a byte-order mark or the declared encoding, UTF-8 otherwise. */
export function decodeXml(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  let label = 'utf-8';
  if (declared) {
    try {
      label = new TextDecoder(declared).encoding;
    } catch {
      label = 'utf-8';
    }
  }
  return new TextDecoder(label.startsWith('utf-16') ? 'utf-8' : label).decode(bytes);
}
