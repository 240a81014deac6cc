/** Plain-text layout for stdout: counts with thousands separators and aligned two-column tables. */

export const count = (n: number): string => n.toLocaleString('en-US');

/** "1 epoch", "2 epochs", "1,034 hits" — a count and its noun, plural unless it is one (`many` for irregular plurals). */
export const counted = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/** Rows of [label, value] with the labels padded to one width, each line indented. */
export function table(rows: [string, string][], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`.trimEnd()).join('\n');
}

/** A heading followed by its rows, or nothing when there are none. */
export function section(heading: string, rows: [string, string][]): string {
  return rows.length === 0 ? '' : `\n  ${heading}\n${table(rows, '    ')}\n`;
}
