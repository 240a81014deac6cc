/**
 * The evaluation a training run is given (`train(corpus, { evaluation: standardEvaluation })`):
 * the validation NLL every epoch, and a 3-gram Markov baseline on the same
 * windows for event models (none for piano rolls).
 */
import { EventLayout, type BatchLayout, type LayoutBatch } from '../encoding/index.js';
import type { Trainable } from '../generators/index.js';
import { markovBaseline, type BaselineData } from './baseline.js';
import { windowsLoss, type WindowsLossOptions } from './validation.js';

export const standardEvaluation = {
  /** Mean loss per target of the model on the validation windows; null without any. */
  validLoss: (model: Pick<Trainable<LayoutBatch>, 'loss'>, layout: BatchLayout, data: BaselineData, options: WindowsLossOptions): number | null =>
    windowsLoss(model, layout, data.valid, data.validWindows, options),
  /** The baseline's figure on the same windows, with its name; null when there is none. */
  baseline(data: BaselineData, layout: BatchLayout): { label: string; value: number } | null {
    if (!(layout instanceof EventLayout)) return null;
    const value = markovBaseline(data, layout);
    return value === null ? null : { label: '3-gram Markov', value };
  },
};
