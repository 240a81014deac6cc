/**
 * The loss curves of a training run as an SVG plot (loss.svg in the model
 * folder): training and validation NLL per epoch, the Markov baseline as a
 * dashed line, the best epoch marked; axes with round ticks and a legend.
 *
 *   NLL ▲  ─ training  ─ validation  ┄ 3-gram Markov
 *       │╲___
 *       │    ╲____●____
 *       └──────────────► epoch
 */
import { el, svg, text } from './svg.js';

export interface EpochRecord {
  epoch: number;
  /** Mean NLL per target (nats) over the epoch's training sequences. */
  trainLoss: number;
  /** On the validation sequences after the epoch; null without validation. */
  validLoss: number | null;
  learningRate: number;
  seconds: number;
}

export interface LossPlotOptions {
  /** A horizontal reference line (the Markov baseline). */
  baseline?: { label: string; value: number } | null;
  /** The epoch whose weights the model keeps. */
  bestEpoch?: number | null;
  title?: string;
  /** What the loss is a mean over (default 'token'): the axis reads "NLL (nats per token)". */
  target?: string;
}

const SIZE = { width: 640, height: 400, left: 64, right: 24, top: 40, bottom: 48 };
const COLOURS = { train: '#1f77b4', valid: '#d62728', baseline: '#7f7f7f', axis: '#333333', grid: '#e5e5e5' };

/** Round tick values covering [low, high]: 1, 2 or 5 times a power of ten apart. */
export function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

export function lossPlotSvg(history: readonly EpochRecord[], options: LossPlotOptions = {}): string {
  const { width, height, left, right, top, bottom } = SIZE;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = [
    ...history.map((h) => h.trainLoss),
    ...history.flatMap((h) => (h.validLoss === null ? [] : [h.validLoss])),
    ...(options.baseline ? [options.baseline.value] : []),
  ];
  const lastEpoch = Math.max(1, ...history.map((h) => h.epoch));
  let [yLow, yHigh] = values.length > 0 ? [Math.min(...values), Math.max(...values)] : [0, 1];
  const pad = Math.max((yHigh - yLow) * 0.08, 0.05);
  [yLow, yHigh] = [Math.max(0, yLow - pad), yHigh + pad];
  const x = (epoch: number): number => left + (lastEpoch === 1 ? plotW / 2 : ((epoch - 1) / (lastEpoch - 1)) * plotW);
  const y = (v: number): number => top + (1 - (v - yLow) / (yHigh - yLow)) * plotH;

  const parts: string[] = [el('rect', { x: 0, y: 0, width, height, fill: 'white' })];
  for (const v of niceTicks(yLow, yHigh)) {
    parts.push(el('line', { x1: left, x2: left + plotW, y1: y(v), y2: y(v), stroke: COLOURS.grid }));
    parts.push(el('text', { x: left - 8, y: y(v) + 4, 'text-anchor': 'end', fill: COLOURS.axis }, [text(String(+v.toPrecision(6)))]));
  }
  for (const e of niceTicks(1, lastEpoch, Math.min(10, lastEpoch)).filter(Number.isInteger)) {
    parts.push(el('line', { x1: x(e), x2: x(e), y1: top + plotH, y2: top + plotH + 5, stroke: COLOURS.axis }));
    parts.push(el('text', { x: x(e), y: top + plotH + 18, 'text-anchor': 'middle', fill: COLOURS.axis }, [text(String(e))]));
  }
  parts.push(el('polyline', { points: `${left},${top} ${left},${top + plotH} ${left + plotW},${top + plotH}`, fill: 'none', stroke: COLOURS.axis }));
  parts.push(el('text', { x: left + plotW / 2, y: height - 10, 'text-anchor': 'middle', fill: COLOURS.axis }, [text('epoch')]));
  parts.push(el('text', { x: 16, y: top + plotH / 2, 'text-anchor': 'middle', fill: COLOURS.axis, transform: `rotate(-90 16 ${top + plotH / 2})` }, [text(`NLL (nats per ${options.target ?? 'token'})`)]));
  if (options.title) parts.push(el('text', { x: left, y: 22, 'font-weight': 'bold', fill: COLOURS.axis }, [text(options.title)]));

  const curve = (points: [number, number][], colour: string, label: string): void => {
    if (points.length === 0) return;
    parts.push(el('polyline', { points: points.map(([e, v]) => `${x(e).toFixed(2)},${y(v).toFixed(2)}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2 }, [el('title', {}, [text(label)])]));
    for (const [e, v] of points) parts.push(el('circle', { cx: x(e), cy: y(v), r: 2.5, fill: colour }));
  };
  curve(history.map((h) => [h.epoch, h.trainLoss]), COLOURS.train, 'training');
  curve(history.flatMap((h) => (h.validLoss === null ? [] : [[h.epoch, h.validLoss] as [number, number]])), COLOURS.valid, 'validation');
  if (options.baseline) {
    parts.push(el('line', { x1: left, x2: left + plotW, y1: y(options.baseline.value), y2: y(options.baseline.value), stroke: COLOURS.baseline, 'stroke-dasharray': '6 4' }));
  }
  const best = history.find((h) => h.epoch === options.bestEpoch);
  const bestValue = best ? (best.validLoss ?? best.trainLoss) : null;
  if (best && bestValue !== null) parts.push(el('circle', { cx: x(best.epoch), cy: y(bestValue), r: 6, fill: 'none', stroke: COLOURS.valid, 'stroke-width': 1.5 }, [el('title', {}, [text(`best: epoch ${best.epoch}`)])]));

  const legend: [string, string, boolean][] = [['training', COLOURS.train, false], ['validation', COLOURS.valid, false]];
  if (options.baseline) legend.push([options.baseline.label, COLOURS.baseline, true]);
  legend.forEach(([label, colour, dashed], i) => {
    const ly = top + 12 + i * 18;
    const lx = left + plotW - 150;
    parts.push(el('line', { x1: lx, x2: lx + 24, y1: ly, y2: ly, stroke: colour, 'stroke-width': 2, 'stroke-dasharray': dashed ? '6 4' : undefined }));
    parts.push(el('text', { x: lx + 30, y: ly + 4, fill: COLOURS.axis }, [text(label)]));
  });
  return svg(width, height, parts);
}
