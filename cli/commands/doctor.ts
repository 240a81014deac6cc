/**
 * `musegen doctor`: what this installation can do — Node, which TensorFlow.js
 * backends load (and why the others do not), the one in use, the kernels
 * (native on OpenBLAS where built, or why not), the bundled models (the
 * default melody model, and one per other job: chords, chorale…) and what
 * each is, the cache folder. A table, or JSON with --json.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import {
  backendReport, bundledModelPath, defaultCacheDir, errorMessage, folderSource, kernels, modelKind, nativeKernelsReport, packageRoot, packageVersion, readModelFolder,
  type BackendProbe, type ModelMeta,
} from '../../src/index.js';
import { startBackend } from '../backend.js';
import { section, table } from '../format.js';

interface BundledModel {
  path: string;
  present: boolean;
  /** Why it does not load, when present but unreadable. */
  problem: string | null;
  kind: string | null;
  encoder: unknown;
  hyper: Record<string, unknown> | null;
  metrics: Record<string, unknown> | null;
  savedAt: string | null;
}

/** The folders under models/ beside the default one (models/chords, models/chorale…), by name. */
function otherBundledModels(): string[] {
  try {
    return readdirSync(dirname(bundledModelPath()), { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'default').map((d) => d.name).sort();
  } catch {
    return [];
  }
}

async function bundledModel(name?: string): Promise<BundledModel> {
  const path = bundledModelPath(name);
  const none = { kind: null, encoder: null, hyper: null, metrics: null, savedAt: null };
  let meta: ModelMeta;
  try {
    meta = (await readModelFolder(folderSource(path))).meta;
  } catch (e) {
    const absent = (e as { code?: string }).code === 'NOT_FOUND';
    return { path, present: !absent, problem: absent ? null : errorMessage(e), ...none };
  }
  const { history: _history, ...metrics } = meta.metrics;
  return { path, present: true, problem: null, kind: meta.kind, encoder: meta.encoder, hyper: meta.hyper, metrics, savedAt: meta.savedAt };
}

function describeModel(m: BundledModel): string {
  if (!m.present) return `none (${m.path} is absent)`;
  if (m.problem) return `does not load: ${m.problem}`;
  const enc = m.encoder as { encoding?: string; spelled?: boolean; features?: { name: string }[] } | null;
  let what: string;
  try {
    what = modelKind(m.kind!).describe(m.hyper ?? {});
  } catch (e) {
    what = `${m.kind} (${errorMessage(e)})`;
  }
  const encoding = `${enc?.encoding ?? '?'}${enc?.spelled ? ' (spelled)' : ''}`;
  const features = enc?.features?.length ? ` + ${enc.features.map((f) => f.name).join(', ')}` : '';
  const nll = typeof m.metrics?.validNll === 'number' ? `, valid NLL ${m.metrics.validNll.toFixed(3)}` : '';
  return `${what} over ${encoding}${features}${nll} (saved ${m.savedAt || '?'}; ${m.path})`;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('say what this installation can do: backends, the bundled model, the cache')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const inUse = await startBackend(cmd);
      const backends: BackendProbe[] = await backendReport();
      const model = await bundledModel();
      const others = Object.fromEntries(await Promise.all(otherBundledModels().map(async (name) => [name, await bundledModel(name)] as const)));
      const report = {
        musegen: { version: packageVersion(), root: packageRoot() },
        node: { version: process.version, platform: `${process.platform} ${process.arch}` },
        backend: inUse,
        kernels: kernels().name,
        nativeKernels: nativeKernelsReport(),
        backends,
        bundledModel: model,
        /** The other bundled models (chords, chorale…), by folder name. */
        bundledModels: others,
        cacheDir: defaultCacheDir(),
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const rows: [string, string][] = backends.map((b) => [b.name, `${b.available ? 'yes' : 'no '}  ${b.detail}${b.name === inUse ? '  ← in use' : ''}`]);
      process.stdout.write([
        `musegen ${report.musegen.version}\n\n`,
        table([
          ['node', `${report.node.version} (${report.node.platform})`],
          ['package', report.musegen.root ?? '?'],
          ['bundled model', describeModel(model)],
          ...Object.entries(others).map(([name, m]): [string, string] => [`bundled ${name} model`, describeModel(m)]),
          ['kernels', report.kernels],
          ['native kernels', `${report.nativeKernels.available ? 'yes' : 'no '}  ${report.nativeKernels.detail}`],
          ['cache', report.cacheDir],
        ]),
        '\n',
        section('backends', rows),
      ].join(''));
    });
}
