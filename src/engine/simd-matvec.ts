/**
 * A matrix–vector product in WebAssembly SIMD, for stepping models at batch 1.
 *
 *   y[0..cols) += Σ_k v[k] · m[k, 0..cols)      (m row-major, four rows at a time)
 *
 * The module is a few hundred bytes assembled here from its opcodes (no build
 * step, no binary in the repository); it runs ~4× faster than the same loop
 * in JavaScript. Where WebAssembly SIMD is missing, the same function runs as
 * JavaScript over the same memory. Operands live in one linear memory, as
 * float offsets handed out by `alloc`.
 */

/** Floats in linear memory: offsets and counts are in float32 units. */
export interface MatvecMemory {
  /** The whole memory as floats; valid for the life of the object. */
  readonly f32: Float32Array;
  /** Reserve n floats (rounded up to 4), zeroed; returns their offset. */
  alloc(n: number): number;
  /**
   * y += vᵀ·m for m [rows, cols] at offset `m`, v [rows] at `v`, y [cols] at
   * `y`. rows and cols must be multiples of 4 (pad with zeros).
   */
  matvec(v: number, m: number, y: number, rows: number, cols: number): void;
  /** True when the WebAssembly SIMD kernel runs (false: the JavaScript fallback). */
  readonly simd: boolean;
}

/** Round up to a multiple of 4. */
export function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Linear memory of `floats` floats with a matvec over it. */
export function createMatvecMemory(floats: number): MatvecMemory {
  const bytes = pad4(floats) * 4;
  const pages = Math.ceil(bytes / 65536) + 1;
  let used = 0;
  const alloc = (n: number): number => {
    const at = used;
    used += pad4(n);
    if (used * 4 > bytes) throw new RangeError(`matvec memory: ${used * 4} bytes needed, ${bytes} reserved`);
    return at;
  };
  const instance = instantiate(pages);
  if (instance) {
    const f32 = new Float32Array(instance.memory.buffer);
    const kernel = instance.matvec;
    return { f32, alloc, simd: true, matvec: (v, m, y, rows, cols) => kernel(v * 4, m * 4, y * 4, rows, cols * 4) };
  }
  const f32 = new Float32Array(pages * 16384);
  return { f32, alloc, simd: false, matvec: (v, m, y, rows, cols) => matvecJs(f32, v, m, y, rows, cols) };
}

function matvecJs(f: Float32Array, v: number, m: number, y: number, rows: number, cols: number): void {
  for (let k = 0; k < rows; k++) {
    const a = f[v + k];
    if (a === 0) continue;
    const o = m + k * cols;
    for (let j = 0; j < cols; j++) f[y + j] += a * f[o + j];
  }
}

interface Kernel {
  memory: WebAssembly.Memory;
  matvec: (v: number, m: number, y: number, rows: number, colBytes: number) => void;
}

function instantiate(pages: number): Kernel | null {
  try {
    const module = new WebAssembly.Module(assemble(pages));
    const exports = new WebAssembly.Instance(module).exports as unknown as Kernel;
    return exports;
  } catch {
    return null; // no WebAssembly or no SIMD: the JavaScript fallback runs
  }
}

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

function name(s: string): number[] {
  return [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

// Opcodes used below.
const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  get: 0x20, set: 0x21, tee: 0x22, i32const: 0x41, add: 0x6a, shl: 0x74, ltu: 0x49,
  f32load: 0x2a, loop: 0x03, void: 0x40, brIf: 0x0d, end: 0x0b,
} as const;
const simd = (code: number): number[] => [0xfd, ...leb(code)];
const v128load = [...simd(0x00), 4, 0]; // align 2^4, offset 0
const v128store = [...simd(0x0b), 4, 0];
const f32x4splat = simd(0x13);
const f32x4add = simd(0xe4);
const f32x4mul = simd(0xe6);

/**
 * (func (param v m y rows colBytes)   ;; byte addresses
 *   k = 0; row = m
 *   loop K: a0..a3 = splat v[k..k+4]; r1..r3 = row + colBytes·(1..3); j = 0
 *     loop J: y[j] += a0·row[j] + a1·r1[j] + a2·r2[j] + a3·r3[j]; j += 16; while j < colBytes
 *     row += 4·colBytes; k += 4; while k < rows)
 */
function assemble(pages: number): Uint8Array<ArrayBuffer> {
  const [V, M, Y, ROWS, CB] = [0, 1, 2, 3, 4];
  const [K, J, ROW, R1, R2, R3] = [5, 6, 7, 8, 9, 10];
  const A = [11, 12, 13, 14];
  const get = (i: number) => [op.get, i];
  const set = (i: number) => [op.set, i];
  const c32 = (n: number) => [op.i32const, ...leb(n)]; // small non-negative constants only
  const splat = (i: number) => [
    ...get(V), ...get(K), ...c32(2), op.shl, op.add, op.f32load, 2, i * 4, ...f32x4splat, ...set(A[i]!),
  ];
  const term = (a: number, r: number) => [...get(A[a]!), ...get(r), ...get(J), op.add, ...v128load, ...f32x4mul];
  const body = [
    // locals: 6 × i32, 4 × v128
    2, 6, I32, 4, V128,
    ...get(M), ...set(ROW),
    op.loop, op.void,
    ...splat(0), ...splat(1), ...splat(2), ...splat(3),
    ...get(ROW), ...get(CB), op.add, op.tee, R1, ...get(CB), op.add, op.tee, R2, ...get(CB), op.add, ...set(R3),
    ...c32(0), ...set(J),
    op.loop, op.void,
    ...get(Y), ...get(J), op.add, // store address
    ...get(Y), ...get(J), op.add, ...v128load,
    ...term(0, ROW), ...f32x4add, ...term(1, R1), ...f32x4add, ...term(2, R2), ...f32x4add, ...term(3, R3), ...f32x4add,
    ...v128store,
    ...get(J), ...c32(16), op.add, op.tee, J, ...get(CB), op.ltu, op.brIf, 0,
    op.end,
    ...get(R3), ...get(CB), op.add, ...set(ROW),
    ...get(K), ...c32(4), op.add, op.tee, K, ...get(ROWS), op.ltu, op.brIf, 0,
    op.end,
    op.end,
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]), // type: (i32 ×5) → ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0, ...leb(pages)]), // memory: min pages
    ...section(7, [2, ...name('matvec'), 0, 0, ...name('memory'), 2, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}
