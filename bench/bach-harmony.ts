/**
 * Bach's own figures on the 77 JSB test chorales (16th notes, S A T B apart):
 * the reference row a harmoniser's voice leading sits beside — ranges per
 * voice, voice crossing, parallel fifths and octaves, and singing outside the
 * training chorales' 1st–99th percentile ranges — and what a framewise
 * likelihood evaluation of the same chorales costs in distributions() calls.
 *
 *     node --import tsx bench/bach-harmony.ts [--split test|valid|train]
 */
import { framewiseCalls, formatVoiceLeading, notewiseCalls, readSatbPieces, voiceLeadingOf, voiceRanges } from '../src/eval/index.js';

const at = process.argv.indexOf('--split');
const split = (at >= 0 ? process.argv[at + 1] : 'test') as 'train' | 'valid' | 'test';
const [train, pieces] = await Promise.all([readSatbPieces('train'), readSatbPieces(split)]);
const cells = pieces.map((p) => p.cells);
const ranges = voiceRanges(train.map((p) => p.cells));
console.log(formatVoiceLeading(`Bach, JSB ${split} chorales (out of range: against the training chorales' percentiles 1–99)`, voiceLeadingOf(cells, ranges), voiceRanges(cells)));
console.log(`  training chorales' percentiles 1–99: ${ranges.map((r) => `${r.low}–${r.high}`).join(', ')} (S A T B, MIDI)`);
console.log(`  framewise likelihood: ${framewiseCalls(cells)} distributions() calls (voice by voice), ${framewiseCalls(cells, { withinFrame: 'independent' })} (a frame's voices together); notewise estimate: ${notewiseCalls(cells)} (16 masks a piece)`);
