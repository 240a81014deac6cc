/**
 * The convolutional harmoniser's input and targets, as Coconet lays them
 * out: an image whose rows are steps and whose columns are the values a cell
 * takes (column 0 a rest, column v the pitch lowest + v − 1), with planes
 * (channels) per voice and per feature:
 *
 *   channel t            voice t's known cells, one-hot in their column (hidden cells all zero)
 *   channel V + t        voice t's mask: 1 across the row where the cell is hidden
 *   channel 2V + f       feature column f of the step (beat, fermata…), across the row
 *
 *   input [batch, steps, values, 2V + F] ─ ConvNet ─► logits [batch, steps, values, V] ─ softmax over values per (step, voice)
 */

export interface PlaneShape {
  tracks: number;
  steps: number;
  /** Values a cell takes (rest + pitches): the image's width. */
  values: number;
  featureWidth: number;
}

/** Channels of the input image. */
export function inputChannels(shape: Pick<PlaneShape, 'tracks' | 'featureWidth'>): number {
  return 2 * shape.tracks + shape.featureWidth;
}

/**
 * Write one example's input image at `out` (offset `at`): cells [tracks, steps],
 * mask [tracks, steps] (1 = hidden), features [steps, featureWidth]; padded steps (real = 0) stay zero.
 */
export function writeInput(
  out: Float32Array, at: number, shape: PlaneShape,
  cells: ArrayLike<number>, mask: ArrayLike<number>, features: ArrayLike<number>, real?: ArrayLike<number>,
): void {
  const { tracks, steps, values, featureWidth } = shape;
  const channels = inputChannels(shape);
  for (let s = 0; s < steps; s++) {
    if (real && !real[s]) continue;
    const row = at + s * values * channels;
    for (let t = 0; t < tracks; t++) {
      const c = t * steps + s;
      if (mask[c]) {
        for (let v = 0; v < values; v++) out[row + v * channels + tracks + t] = 1;
      } else {
        out[row + cells[c]! * channels + t] = 1;
      }
    }
    for (let f = 0; f < featureWidth; f++) {
      const x = features[s * featureWidth + f]!;
      if (x === 0) continue;
      for (let v = 0; v < values; v++) out[row + v * channels + 2 * tracks + f] = x;
    }
  }
}
