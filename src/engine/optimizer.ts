/**
 * One training step for any model made of tf.Variables:
 *
 *   loss() ──► gradients ──► clip by global norm ──► Adam update
 *
 * Everything the step allocates is freed before it returns, so the tensor
 * count stays flat across steps. Adam's bias corrections (β^t) are set from
 * the step count before every update rather than multiplied up step by step
 * in float32 as tf.train.adam does, so a run resumed from getState() takes
 * exactly the steps the uninterrupted run takes.
 *
 * @example
 *   const trainer = new Trainer(model.variables, { learningRate: 1e-3, clipNorm: 5 });
 *   const { loss } = trainer.step(() => model.loss(batch, targets, { training: true }));
 */
import * as tf from '@tensorflow/tfjs';
import { MusegenError } from '../errors.js';

export interface TrainerOptions {
  learningRate: number;
  /** Scale the gradients down when their global norm exceeds this; null: never. */
  clipNorm: number | null;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const TRAINER_DEFAULTS: TrainerOptions = { learningRate: 1e-3, clipNorm: 5, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

export interface StepResult {
  loss: number;
  /** Global norm of the gradients before clipping. */
  gradNorm: number;
}

/** Adam with gradient clipping over a fixed list of variables. */
export class Trainer {
  readonly options: TrainerOptions;
  private readonly optimizer: tf.AdamOptimizer;

  constructor(
    private readonly variables: tf.Variable[],
    options: Partial<TrainerOptions> = {},
  ) {
    this.options = { ...TRAINER_DEFAULTS, ...options };
    const { learningRate, beta1, beta2, epsilon, clipNorm } = this.options;
    if (!(learningRate > 0)) throw new MusegenError('BAD_ARGUMENT', `learning rate must be positive, not ${learningRate}`);
    if (clipNorm !== null && !(clipNorm > 0)) throw new MusegenError('BAD_ARGUMENT', `clip norm must be positive, not ${clipNorm}`);
    this.optimizer = tf.train.adam(learningRate, beta1, beta2, epsilon);
  }

  /** The step size Adam uses now. */
  get learningRate(): number {
    return this.options.learningRate;
  }

  /** Change the step size for the steps to come (a learning-rate schedule); the moments are kept. */
  set learningRate(value: number) {
    if (!(value > 0)) throw new MusegenError('BAD_ARGUMENT', `learning rate must be positive, not ${value}`);
    this.options.learningRate = value;
    (this.optimizer as unknown as { learningRate: number }).learningRate = value;
  }

  /** Compute the loss, its gradients, clip them, and update the variables. */
  step(loss: () => tf.Scalar): StepResult {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, this.variables);
      const [clipped, norm] = clipByGlobalNorm(grads, this.options.clipNorm);
      const [lossValue, gradNorm] = [value.dataSync()[0], norm.dataSync()[0]];
      if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
        throw new MusegenError('INTERNAL', 'training diverged (loss or gradient is not a number); lower the learning rate');
      }
      this.setBiasCorrections();
      this.optimizer.applyGradients(Object.entries(clipped).map(([name, tensor]) => ({ name, tensor })));
      return { loss: lossValue, gradNorm };
    });
  }

  /**
   * Adam's state to checkpoint beside the model: 'iterations', then 'm/<i>'
   * and 'v/<i>' for variable i (copies; the caller disposes them). Empty
   * moments before the first step.
   */
  async getState(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    const weights = await this.optimizer.getWeights();
    const n = (weights.length - 1) / 2;
    return weights.map(({ tensor }, i) => ({
      name: i === 0 ? 'iterations' : `${i <= n ? 'm' : 'v'}/${(i - 1) % n}`,
      tensor: i === 0 ? tensor : tf.clone(tensor),
    }));
  }

  /** Restore a state from getState before the first step (to resume where a checkpoint left off). */
  async setState(state: { name: string; tensor: tf.Tensor }[]): Promise<void> {
    const n = this.variables.length;
    const shapesFit = state.length === 2 * n + 1 && state.slice(1).every((s, i) => s.tensor.shape.join() === this.variables[i % n].shape.join());
    if (!shapesFit) throw new MusegenError('BAD_MODEL', `optimizer state does not fit this model (${state.length} tensors for ${n} variables)`);
    const copies = state.map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) }));
    await this.optimizer.setWeights(copies); // the new moments share the copies' data
    tf.dispose(copies.map((c) => c.tensor));
  }

  /** β1^(t+1) and β2^(t+1) for the coming update t, computed afresh (tf.train.adam's own fields, tfjs 4.x). */
  private setBiasCorrections(): void {
    const adam = this.optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable; iterations: number };
    const { beta1, beta2 } = this.options;
    const t = adam.iterations + 1;
    adam.accBeta1?.assign(tf.scalar(beta1 ** t));
    adam.accBeta2?.assign(tf.scalar(beta2 ** t));
  }

  /** Free the optimizer's moment estimates. */
  dispose(): void {
    this.optimizer.dispose();
  }
}

/** Scale all gradients by min(1, clipNorm / globalNorm); returns them and the norm before clipping. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number | null): [tf.NamedTensorMap, tf.Scalar] {
  const names = Object.keys(grads);
  const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))) as tf.Scalar;
  if (clipNorm === null) return [grads, norm];
  const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n], scale);
  return [out, norm];
}
