/**
 * The model a command's job runs on: the folder given with -m, or the one
 * the package bundles for that job (models/chords, models/chorale,
 * models/vae…). A missing bundled model is one line saying how to train one;
 * a model that cannot do the job is refused in one line naming its folder,
 * and disposed.
 */
import { MusegenError, bundledModelPath, folderSource, loadGenerator, type Generator } from '../src/index.js';

export interface JobModel {
  /** The folder under models/ the package ships for the job. */
  bundled: string;
  /** What the model is, in words ("harmoniser", "chord model"). */
  what: string;
  /** How to train one ("musegen train chorales/ --kind conv"). */
  train: string;
  /** Throws a MusegenError when the model cannot do the job. */
  check(generator: Generator): void;
}

export async function loadJobModel(dir: string | undefined, job: JobModel): Promise<{ generator: Generator; modelDir: string }> {
  const modelDir = dir ?? bundledModelPath(job.bundled);
  const { generator } = await loadGenerator(folderSource(modelDir)).catch((e: unknown) => {
    if (!dir && e instanceof MusegenError && e.code === 'NOT_FOUND') {
      throw new MusegenError('NOT_FOUND', `no bundled ${job.what} at ${modelDir}; train one (${job.train}) and pass -m`);
    }
    throw e;
  });
  try {
    job.check(generator);
  } catch (e) {
    generator.dispose();
    throw e instanceof MusegenError ? new MusegenError(e.code, e.message, modelDir) : e;
  }
  return { generator, modelDir };
}
