/**
 * The LSTM model one step at a time, for sampling: batch 1, state kept
 * between calls, in plain JavaScript over Float32Arrays.
 *
 *   class index (and its features, or a feature vector) ─► lstm_1 ─► … ─► lstm_n ─► output ─► logits
 *                                                          ▲ h, c       ▲ h, c
 *
 * At batch 1 each step is a few matrix–vector products of ~1 M multiply-adds
 * in all; dispatching TensorFlow.js ops for them costs more than the
 * arithmetic, so the weights are read once into typed arrays and each step
 * runs as plain loops. Gives the same logits as `LstmModel.logits` (tested).
 *
 * @example
 *   const stepper = LstmStepper.fromModel(model);
 *   let token = start;
 *   for (let i = 0; i < 256; i++) token = sample(stepper.step(token));
 */
import { kernels, pad4, sigmoid, tanh, type MatvecMemory } from '../engine/index.js';
import { MusegenError } from '../errors.js';
import { layerName, weightShapes, type LstmModel, type LstmModelConfig } from './lstm-model.js';

/** The recurrent state: h and c of each layer, [units] each. */
export interface LstmState {
  h: Float32Array[];
  c: Float32Array[];
}

/** Where one layer lives in the matvec memory (float offsets). */
interface StepLayer {
  /** Kernel rows (padded to 4), then recurrent kernel rows (padded to 4), [·, 4H]. */
  weights: number;
  bias: number;
  /** Dense input rows in `weights` (padded); for a one-hot layer only its feature rows (the class rows are gathered instead). */
  inputRows: number;
  /** [x | h]: the layer's input, then its state h (padded). */
  vector: number;
  /** Cell state c. */
  cell: number;
}

export class LstmStepper {
  private readonly mem: MatvecMemory;
  private readonly layers: StepLayer[];
  /** One-hot models: the first kernel [inputSize, 4H], gathered by row. */
  private readonly embed: number;
  private readonly z: number;
  private readonly out: { kernel: number; bias: number; logits: number; cols: number };

  constructor(
    readonly config: LstmModelConfig,
    weights: Map<string, Float32Array>,
  ) {
    for (const { name, shape } of weightShapes(config)) {
      const size = shape.reduce((a, b) => a * b, 1);
      if (weights.get(name)?.length !== size) throw new MusegenError('BAD_MODEL', `weight ${name} is missing or not [${shape}]`);
    }
    const { units: H, layers, inputSize, outputSize } = config;
    const G = 4 * H;
    const oneHot = config.input === 'one-hot';
    const Hp = pad4(H);
    const Cp = pad4(outputSize);
    const featureSize = config.featureSize ?? 0;
    const inputRows = (l: number) => (l > 0 ? Hp : pad4(oneHot ? featureSize : inputSize));
    let floats = (oneHot ? inputSize * G : 0) + G + Hp * Cp + 2 * Cp + 16;
    for (let l = 0; l < layers; l++) floats += (inputRows(l) + Hp) * G + G + 2 * (inputRows(l) + Hp) + H + 16;
    const mem = (this.mem = kernels().matvecMemory(floats));
    const put = (at: number, data: Float32Array, cols: number, stride = cols) => {
      for (let r = 0; r < data.length / cols; r++) mem.f32.set(data.subarray(r * cols, (r + 1) * cols), at + r * stride);
    };
    this.embed = oneHot ? mem.alloc(inputSize * G) : -1;
    this.layers = [];
    for (let l = 0; l < layers; l++) {
      const p = layerName(l);
      const rows = inputRows(l);
      const layer: StepLayer = {
        weights: mem.alloc((rows + Hp) * G),
        bias: mem.alloc(G),
        inputRows: rows,
        vector: mem.alloc(rows + Hp),
        cell: mem.alloc(H),
      };
      const kernel = weights.get(`${p}/kernel`)!;
      if (l === 0 && oneHot) {
        put(this.embed, kernel.subarray(0, inputSize * G), G);
        put(layer.weights, kernel.subarray(inputSize * G), G);
      } else {
        put(layer.weights, kernel, G);
      }
      put(layer.weights + rows * G, weights.get(`${p}/recurrent_kernel`)!, G);
      put(layer.bias, weights.get(`${p}/bias`)!, G);
      this.layers.push(layer);
    }
    this.z = mem.alloc(G);
    this.out = { kernel: mem.alloc(Hp * Cp), bias: mem.alloc(Cp), logits: mem.alloc(Cp), cols: Cp };
    put(this.out.kernel, weights.get('output/kernel')!, outputSize, Cp);
    put(this.out.bias, weights.get('output/bias')!, outputSize);
  }

  /** A stepper over a model's current weights (read once; later training does not reach it). */
  static fromModel(model: LstmModel): LstmStepper {
    const weights = new Map<string, Float32Array>();
    for (const { name, tensor } of model.namedWeights()) weights.set(name, Float32Array.from(tensor.dataSync() as Float32Array));
    return new LstmStepper(model.config, weights);
  }

  /** True when the WebAssembly SIMD kernel runs (false: plain JavaScript loops). */
  get simd(): boolean {
    return this.mem.simd;
  }

  /** Back to the zero state. */
  reset(): void {
    for (const l of this.layers) {
      this.hView(l).fill(0);
      this.cView(l).fill(0);
    }
  }

  /** A copy of the current state (to branch, or to resume later). */
  getState(): LstmState {
    return { h: this.layers.map((l) => this.hView(l).slice()), c: this.layers.map((l) => this.cView(l).slice()) };
  }

  setState(state: LstmState): void {
    const H = this.config.units;
    const ok = (a: Float32Array[]) => a.length === this.layers.length && a.every((v) => v.length === H);
    if (!ok(state.h) || !ok(state.c)) throw new MusegenError('BAD_ARGUMENT', `LSTM state must be ${this.layers.length} layers of ${H} units`);
    this.layers.forEach((l, i) => {
      this.hView(l).set(state.h[i]);
      this.cView(l).set(state.c[i]);
    });
  }

  /**
   * Feed one step's input (a class index for one-hot models, with its
   * `featureSize` features when the model reads them; a feature vector for
   * dense ones) and get the logits for the next step.
   */
  step(input: number | Float32Array, features?: Float32Array): Float32Array {
    const { config, mem } = this;
    const f = mem.f32;
    const H = config.units;
    const G = 4 * H;
    const first = this.layers[0];
    if (config.input === 'one-hot') {
      if (typeof input !== 'number' || !Number.isInteger(input) || input < 0 || input >= config.inputSize) {
        throw new MusegenError('BAD_ARGUMENT', `step input must be a class index in 0..${config.inputSize - 1}, not ${String(input)}`);
      }
      const featureSize = config.featureSize ?? 0;
      if (featureSize > 0) {
        if (!(features instanceof Float32Array) || features.length !== featureSize) {
          throw new MusegenError('BAD_ARGUMENT', `step features must be a Float32Array of ${featureSize} values`);
        }
        f.set(features, first.vector);
      }
      f.copyWithin(this.z, this.embed + input * G, this.embed + (input + 1) * G);
    } else {
      if (!(input instanceof Float32Array) || input.length !== config.inputSize) {
        throw new MusegenError('BAD_ARGUMENT', `step input must be a Float32Array of ${config.inputSize} features`);
      }
      f.set(input, first.vector);
      f.fill(0, this.z, this.z + G);
    }
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      if (l > 0) {
        f.copyWithin(layer.vector, this.layers[l - 1].vector + this.layers[l - 1].inputRows, this.layers[l - 1].vector + this.layers[l - 1].inputRows + H);
        f.fill(0, this.z, this.z + G);
      }
      this.cellStep(layer);
    }
    const last = this.layers[this.layers.length - 1];
    const { kernel, bias, logits, cols } = this.out;
    f.copyWithin(logits, bias, bias + cols);
    mem.matvec(last.vector + last.inputRows, kernel, logits, pad4(H), cols);
    return f.slice(logits, logits + config.outputSize);
  }

  /** z (holding x·W already for one-hot input) += [x | h]·[W; U] + b, then the cell update in place. */
  private cellStep(layer: StepLayer): void {
    const f = this.mem.f32;
    const H = this.config.units;
    const G = 4 * H;
    const z = this.z;
    for (let j = 0; j < G; j++) f[z + j] += f[layer.bias + j];
    this.mem.matvec(layer.vector, layer.weights, z, layer.inputRows + pad4(H), G);
    const h = layer.vector + layer.inputRows;
    const c = layer.cell;
    for (let j = 0; j < H; j++) {
      const cj = sigmoid(f[z + H + j]) * f[c + j] + sigmoid(f[z + j]) * tanh(f[z + 2 * H + j]);
      f[c + j] = cj;
      f[h + j] = sigmoid(f[z + 3 * H + j]) * tanh(cj);
    }
  }

  private hView(l: StepLayer): Float32Array {
    return this.mem.f32.subarray(l.vector + l.inputRows, l.vector + l.inputRows + this.config.units);
  }

  private cView(l: StepLayer): Float32Array {
    return this.mem.f32.subarray(l.cell, l.cell + this.config.units);
  }
}
