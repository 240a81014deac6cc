/**
 * A VAE's attribute vectors, fitted each way on the corpus's training split
 * (sampling's attribute-vectors.ts: regression on q(z|x), MusicVAE's quartile
 * difference, regression on decoded draws from the prior), and what each
 * does over 100 draws from the prior decoded with and without +amount × the
 * vector (eval's attributeEffects: each attribute's mean change in sd of the
 * plain draws; --fit-temp: the temperature the 'decoder' method decodes its
 * draws at). The model's own vectors are left as they were.
 *
 *   node --import tsx bench/vae-attributes.ts [--model models/vae] [--corpus ../shared/corpora/nottingham-jukedeck/ABC_cleaned]
 *        [--methods regression,difference,decoder] [--amount 1.5] [--samples 100] [--temp 0.5] [--draws 2000 --fit-temp 0] [--seed 1]
 */
import {
  ATTRIBUTES, attributeEffects, evaluationWindows, fitAttributes, folderSource, initBackend, latentOf, loadCorpus, loadGenerator, windowAttributes, workingSplit,
  type AttributeMethod,
} from '../src/index.js';
import { numberArg, stringArg } from './lib/torch-reference.js';

const modelDir = stringArg('model', 'models/vae');
const corpusDir = stringArg('corpus', '../shared/corpora/nottingham-jukedeck/ABC_cleaned');
const methods = stringArg('methods', 'regression,difference,decoder').split(',') as AttributeMethod[];
const [amount, samples, temperature, draws, seed] = [numberArg('amount', 1.5), numberArg('samples', 100), numberArg('temp', 0.5), numberArg('draws', 2000), numberArg('seed', 1)];
const fitTemperature = numberArg('fit-temp', 0);

await initBackend({ backend: 'auto', threads: 1 });
const { generator } = await loadGenerator(folderSource(modelDir));
try {
  const latent = latentOf(generator);
  const { train } = workingSplit((await loadCorpus([corpusDir])).pieces);
  const windows = evaluationWindows(generator, train.map((p) => p.score));
  console.log(`${modelDir}: attribute vectors fitted on ${windows.length} windows of ${train.length} training pieces; +${amount} × each over ${samples} draws from the prior decoded at temperature ${temperature} (seed ${seed})`);
  const measured = windows.map((w) => windowAttributes(generator.encoder, w, latent.window));
  console.log(`the windows' attributes (one sd is a vector's unit): ${ATTRIBUTES.map((a) => {
    const v = measured.map((m) => m[a]);
    const mean = v.reduce((x, y) => x + y, 0) / v.length;
    const sd = Math.sqrt(v.reduce((x, y) => x + (y - mean) ** 2, 0) / v.length);
    return `${a} mean ${mean.toFixed(3)} sd ${sd.toFixed(3)} (${Math.round((100 * v.filter((x) => x === 0).length) / v.length)} % zero)`;
  }).join(', ')}`);
  console.log(`method      vector        norm   ${ATTRIBUTES.map((a) => a.padStart(12)).join('')}   moves its own most`);
  for (const method of methods) {
    const t0 = performance.now();
    latent.setAttributes(fitAttributes(generator, windows, method, { draws, seed, temperature: fitTemperature }));
    const fitted = (performance.now() - t0) / 1000;
    const effects = attributeEffects(generator, { samples, amount, temperature, seed });
    for (const e of effects) {
      const norm = Math.hypot(...latent.attributes.get(e.attribute)!);
      const moves = ATTRIBUTES.map((a) => `${e.standardized[a] >= 0 ? '+' : ''}${e.standardized[a].toFixed(2)} sd`.padStart(12)).join('');
      console.log(`${method.padEnd(11)} ${e.attribute.padEnd(12)} ${norm.toFixed(2).padStart(6)}   ${moves}   ${e.movesItsOwn ? 'yes' : 'no'}`);
    }
    const spread = effects[0]!.spread;
    console.log(`${''.padEnd(11)} (fitted in ${fitted.toFixed(0)} s; one sd of the plain draws: ${ATTRIBUTES.map((a) => `${a} ${spread[a].toFixed(3)}`).join(', ')})`);
  }
} finally {
  generator.dispose();
}
