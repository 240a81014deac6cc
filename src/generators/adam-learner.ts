/**
 * The learner of a model made of tf.Variables: clipped Adam (engine's
 * Trainer) over a loss the model computes for a batch, with Adam's moments
 * as the checkpointed state. Models that learn by gradients share it.
 *
 *   batch + step seed ─ model's loss tensor ─► Trainer.step (gradients, clip, Adam) ─ after(): model's own updates
 */
import * as tf from '@tensorflow/tfjs';
import { Trainer, type NamedArrays } from '../engine/index.js';
import type { LayoutBatch } from '../encoding/index.js';
import { MusegenError } from '../errors.js';
import type { LearnStep, Learner, LearnerOptions } from './generator.js';

export interface AdamLearnerModel<B extends LayoutBatch> {
  /** The variables Adam moves, in a fixed order (the state's names follow it). */
  variables: tf.Variable[];
  /** The mean loss of a batch as a tensor, for gradients (called inside the trainer's tidy). */
  loss(batch: B, step: LearnStep): tf.Scalar;
  /** Anything the model updates itself after a step (batch normalisation's moving statistics). */
  after?(batch: B, step: LearnStep): void;
}

export function adamLearner<B extends LayoutBatch>(model: AdamLearnerModel<B>, options: LearnerOptions): Learner<B> {
  const trainer = new Trainer(model.variables, options);
  return {
    step(batch: B, step: LearnStep): number {
      const { loss } = trainer.step(() => model.loss(batch, step));
      model.after?.(batch, step);
      return loss;
    },
    get learningRate() {
      return trainer.learningRate;
    },
    set learningRate(value: number) {
      trainer.learningRate = value;
    },
    async state(): Promise<NamedArrays> {
      const tensors = await trainer.getState();
      const out: NamedArrays = new Map(tensors.map(({ name, tensor }) => [name, { shape: tensor.shape, values: tensor.dataSync() as Float32Array | Int32Array }]));
      tf.dispose(tensors.map((t) => t.tensor));
      return out;
    },
    async restore(state: NamedArrays): Promise<void> {
      const names = ['iterations', ...['m', 'v'].flatMap((k) => model.variables.map((_, i) => `${k}/${i}`))];
      const tensors = names.map((name) => {
        const stored = state.get(name);
        if (!stored) throw new MusegenError('BAD_MODEL', `the checkpoint lacks the optimizer's ${name}`);
        return { name, tensor: tf.tensor(stored.values, stored.shape) };
      });
      try {
        await trainer.setState(tensors);
      } finally {
        tf.dispose(tensors.map((t) => t.tensor));
      }
    },
    dispose: () => trainer.dispose(),
  };
}
