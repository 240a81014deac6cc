/**
 * A very small SVG writer: elements as nested calls, attributes escaped,
 * numbers rounded to two decimals so files stay short and stable.
 *
 * @example
 *   svg(200, 100, [el('line', { x1: 0, y1: 0, x2: 200, y2: 100, stroke: 'black' })])
 */
export type Attributes = Record<string, string | number | undefined>;

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const value = (v: string | number): string => (typeof v === 'number' ? String(Math.round(v * 100) / 100) : escape(v));

/** One element; children are markup (from `el`) or text (escaped with `text`). */
export function el(name: string, attributes: Attributes = {}, children: string[] = []): string {
  const attrs = Object.entries(attributes)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${value(v)}"`)
    .join('');
  return children.length === 0 ? `<${name}${attrs}/>` : `<${name}${attrs}>${children.join('')}</${name}>`;
}

/** Character data, escaped. */
export function text(s: string): string {
  return escape(s);
}

/** A whole SVG document of the given size. */
export function svg(width: number, height: number, children: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${el('svg', {
    xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': 'sans-serif', 'font-size': 12,
  }, children)}\n`;
}
