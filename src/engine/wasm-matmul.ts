/**
 * Kernel fixes for the wasm backend.
 *
 * wasm's matMul is fast (XNNPACK) only for untransposed operands: with
 * transposeA it is ~30× and with transposeB ~10× slower, and every dense
 * layer's gradient asks for a transposed product. Re-registering BatchMatMul
 * and _FusedMatMul to materialise the transpose first (one cheap Transpose
 * kernel call) makes every gradient benefit, tf.layers' included.
 *
 * wasm's Identity copies its input, and every tensor a custom gradient saves
 * for its backward pass goes through it (tf.clone): in a training step of the
 * convolutional generator, two saved activations a layer, megabytes each.
 * Tensors never change in place, so Identity re-registered as an alias with
 * a reference count — what wasm's own Reshape does, and the cpu and webgl
 * backends' Identity — serves and copies nothing.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

const FIXED = ['BatchMatMul', '_FusedMatMul'] as const;
let installed = false;

/** Re-register wasm's matMul kernels to transpose operands before multiplying (idempotent). */
export function installKernelFixes(): void {
  if (installed) return;
  for (const name of FIXED) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue; // wasm backend not registered: nothing to fix
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: (args) => untransposed(original.kernelFunc, args) });
  }
  const identity = tf.getKernel('Identity', 'wasm');
  if (identity) {
    tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({ ...identity, kernelFunc: (args) => aliased(identity.kernelFunc, args) });
  }
  installed = true;
}

/** The input itself under a new reference (strings, which wasm keeps outside its heap, copied as before; so too if the backend lost incRef). */
function aliased(kernel: tf.KernelFunc, args: KernelArgs): Info | Info[] {
  const { x } = args.inputs as { x: Info };
  const backend = args.backend as Partial<{ incRef(id: object): void }>;
  if (x.dtype === 'string' || typeof backend.incRef !== 'function') return kernel(args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function untransposed(kernel: tf.KernelFunc, args: KernelArgs): Info | Info[] {
  const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
  if (!attrs.transposeA && !attrs.transposeB) return kernel(args);
  const inputs = args.inputs as Record<string, Info>;
  const temporaries: Info[] = [];
  const swapLast = (x: Info): Info => {
    const perm = x.shape.map((_, i) => i);
    const n = perm.length;
    [perm[n - 2], perm[n - 1]] = [perm[n - 1], perm[n - 2]];
    const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc;
    const t = transpose({ inputs: { x }, backend: args.backend, attrs: { perm } }) as Info;
    temporaries.push(t);
    return t;
  };
  const a = attrs.transposeA ? swapLast(inputs.a!) : inputs.a!;
  const b = attrs.transposeB ? swapLast(inputs.b!) : inputs.b!;
  try {
    return kernel({
      inputs: { ...inputs, a, b },
      backend: args.backend,
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    });
  } finally {
    for (const t of temporaries) (args.backend as tf.KernelBackend).disposeData(t.dataId);
  }
}
