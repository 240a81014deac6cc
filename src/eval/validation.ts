/**
 * A model's mean loss per target over windows of pieces, batch by batch,
 * through the encoding's sequence layout — the same batches training reads.
 * The trainer scores every epoch with it (validation); evaluation on a
 * benchmark split uses it too.
 */
import type { BatchLayout, LayoutBatch, PreparedPiece, WindowStart } from '../encoding/index.js';
import type { Trainable } from '../generators/index.js';

export interface WindowsLossOptions {
  /** Windows per batch. */
  batch: number;
  /** Positions per window. */
  length: number;
  /** Called after each batch with the batches done. */
  onBatch?: (done: number) => void;
}

/** Mean loss per target over the windows; null when there are none. */
export function windowsLoss(
  model: Pick<Trainable<LayoutBatch>, 'loss'>, layout: BatchLayout, pieces: readonly PreparedPiece[], windows: readonly WindowStart[], options: WindowsLossOptions,
): number | null {
  let sum = 0;
  let targets = 0;
  for (let i = 0, done = 0; i < windows.length; i += options.batch) {
    const batch = layout.batch(windows.slice(i, i + options.batch).map((w) => ({ piece: pieces[w.piece]!, start: w.start })), options.length);
    sum += model.loss(batch) * batch.targets;
    targets += batch.targets;
    options.onBatch?.(++done);
  }
  return targets > 0 ? sum / targets : null;
}
