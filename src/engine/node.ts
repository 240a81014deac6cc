/**
 * @node-only engine's Node side: choosing the TensorFlow.js backend (native
 * packages, the wasm files on disk), model folders on disk (read through
 * `folderSource`, written atomically by `writeModelFolder`), and where the
 * installed package and its bundled model are, and the optional native
 * kernels (installed when the backend starts).
 */
export * from './backend.js';
export { installNativeKernels, nativeKernelsReport, type NativeKernelsOptions, type NativeKernelsReport } from './native-kernels.js';
export * from './folder.js';
export * from './package-root.js';
