/**
 * corpus — a set of Scores from files and folders.
 *
 *     paths → walk (supported extensions) → read each file (cache by content hash)
 *           → pieces with a train / valid / test split, failures with reasons → statistics
 *
 * A bad file never stops a load: it is listed with its reason and the rest
 * loads. Transposition for augmentation belongs to the encoding room.
 */
export * from './walk.js';
export * from './split.js';
export { defaultCacheDir, type CacheReport } from './cache.js';
export * from './load.js';
export * from './stats.js';
