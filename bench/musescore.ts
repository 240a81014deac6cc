/**
 * MusicXML written by musegen, opened by MuseScore 3 (Debian's musescore3,
 * headless): files converted from each input format — MIDI (Nottingham
 * tunes, Bach MIDI from the Tone.js tests, and performances of kern chorales:
 * onsets moved by up to 8 ticks, every note 1–10 ticks short), MusicXML
 * (.mxl and .xml chorales), kern and ABC — are imported by `mscore3 -j` and
 * every line it prints while importing a file is counted as a problem
 * (schema validation failures, "Error at line …", tuplet and duration
 * complaints). The MIDI performances are also written unquantized
 * (grid "exact"), the way the writer wrote off-grid MIDI before, to show what
 * quantizing does. Not a CI test: MuseScore is big and optional.
 *
 *     npm run bench -- musescore            (apt-get install musescore3)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertScore, readBytes, readerFor, writeMidi, writeMusicXml, writerNamed, type Score } from '../src/index.js';

const CORPORA = fileURLToPath(new URL('../../shared/corpora/', import.meta.url));
const PER_SOURCE = 40;

if (spawnSync('mscore3', ['--version'], { encoding: 'utf8', env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' } }).status !== 0) {
  console.log('musescore: skipped, mscore3 is not installed (apt-get install musescore3)');
  process.exit(0);
}

/** `count` names spread evenly over the sorted list. */
function spread<T>(list: T[], count: number): T[] {
  const step = Math.max(1, Math.floor(list.length / count));
  return list.filter((_, i) => i % step === 0).slice(0, count);
}

function files(dir: string, ext: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => join(dir, f)) : [];
}

/** A performance of a written score: onsets moved by up to ±8 ticks, every note 1 to 10 ticks short (seeded). */
function perform(score: Score, seed: number): Score {
  let a = seed >>> 0;
  const next = (): number => {
    a = (Math.imul(a, 1_103_515_245) + 12_345) >>> 0;
    return a / 4_294_967_296;
  };
  return {
    ...score,
    parts: score.parts.map((p) => ({
      ...p,
      notes: p.notes.map((n) => {
        const onset = Math.max(0, n.onset + Math.round((next() * 2 - 1) * 8));
        return { ...n, onset, duration: Math.max(1, n.onset + n.duration - onset - 1 - Math.floor(next() * 10)) };
      }),
    })),
  };
}

interface Input {
  source: string;
  name: string;
  bytes: Uint8Array;
  /** Which piece of the file (ABC tune books). */
  piece?: number;
}

const kern = spread(files(join(CORPORA, 'bach-370-chorales-kern', 'kern'), '.krn'), PER_SOURCE);
const abcFiles = files(join(CORPORA, 'nottingham-jukedeck', 'ABC_cleaned'), '.abc');
const inputs: Input[] = [
  ...spread(files(join(CORPORA, 'nottingham-jukedeck', 'MIDI'), '.mid'), PER_SOURCE).map((f) => ({ source: 'mid (Nottingham)', name: f, bytes: readFileSync(f) })),
  ...files(join(CORPORA, 'midi-test-files', 'tonejs-midi', 'test', 'midi', 'bach'), '.mid').map((f) => ({ source: 'mid (Bach, Tone.js tests)', name: f, bytes: readFileSync(f) })),
  ...kern.map((f, i) => {
    const [piece] = readBytes(readFileSync(f), f);
    return { source: 'mid (kern chorales performed)', name: f.replace(/\.krn$/, '.mid'), bytes: writeMidi(perform(piece!.score, i + 1)) };
  }),
  ...spread(files(join(CORPORA, 'bach-chorales-music21', 'music21', 'corpus', 'bach'), '.mxl'), PER_SOURCE).map((f) => ({ source: 'mxl (music21 chorales)', name: f, bytes: readFileSync(f) })),
  ...files(join(CORPORA, 'bach-chorales-music21', 'music21', 'corpus', 'bach'), '.xml').map((f) => ({ source: 'musicxml (music21 chorales)', name: f, bytes: readFileSync(f) })),
  ...kern.map((f) => ({ source: 'krn (370 chorales)', name: f, bytes: readFileSync(f) })),
  ...abcFiles.flatMap((f) => [1, 5, 9].map((piece) => ({ source: 'abc (Nottingham)', name: f, bytes: readFileSync(f), piece }))),
];

interface Job {
  source: string;
  path: string;
}

const dir = await mkdtemp(join(tmpdir(), 'musegen-musescore-'));
try {
  const jobs: Job[] = [];
  for (const [i, input] of inputs.entries()) {
    const pieces = readBytes(input.bytes, input.name);
    const piece = pieces[(input.piece ?? 1) - 1] ?? pieces[0]!;
    const from = readerFor(input.name)!.name;
    const { score } = convertScore(piece.score, { from, to: 'musicxml' });
    // ABC goes out as .mxl: the compressed writer checked too
    const ext = input.source.startsWith('abc') ? 'mxl' : 'musicxml';
    const path = join(dir, `${i}.${ext}`);
    await writeFile(path, writerNamed(ext).write(score));
    jobs.push({ source: input.source, path });
    if (input.source.startsWith('mid (kern')) {
      const exact = join(dir, `${i}-exact.musicxml`);
      await writeFile(exact, writeMusicXml(piece.score, { grid: 'exact' }));
      jobs.push({ source: 'mid (kern performed), unquantized', path: exact });
    }
  }
  await writeFile(join(dir, 'job.json'), JSON.stringify(jobs.map((j) => ({ in: j.path, out: j.path.replace(/\.\w+$/, '.mscx') }))));
  const t0 = performance.now();
  const run = spawnSync('mscore3', ['-j', join(dir, 'job.json')], { encoding: 'utf8', env: { ...process.env, QT_QPA_PLATFORM: 'offscreen' }, maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;

  // What MuseScore printed while importing each file: the lines after "convert <file>..." up to "\tto <…>".
  const problems = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
    const start = /^convert <(.*)>\.\.\.$/.exec(line);
    if (start) {
      current = start[1]!;
      problems.set(current, []);
    } else if (/^\tto </.test(line) || /^\.\.\. success!/.test(line)) current = undefined;
    else if (current && line.trim() !== '') problems.get(current)!.push(line);
  }
  const converted = (j: Job): boolean => existsSync(j.path.replace(/\.\w+$/, '.mscx'));

  console.log(`mscore3 -j: ${jobs.length} files imported in ${seconds.toFixed(1)} s (exit ${run.status})\n`);
  console.log(`${'source'.padEnd(38)} ${'files'.padStart(5)} ${'opened'.padStart(7)} ${'with problems'.padStart(14)} ${'problem lines'.padStart(14)}`);
  const sources = [...new Set(jobs.map((j) => j.source))];
  for (const source of sources) {
    const mine = jobs.filter((j) => j.source === source);
    const lines = mine.map((j) => problems.get(j.path) ?? ['(never imported)']);
    console.log(
      `${source.padEnd(38)} ${String(mine.length).padStart(5)} ${String(mine.filter(converted).length).padStart(7)} ` +
        `${String(lines.filter((l) => l.length > 0).length).padStart(14)} ${String(lines.reduce((s, l) => s + l.length, 0)).padStart(14)}`,
    );
  }
  const examples = jobs.filter((j) => !j.source.endsWith('unquantized')).flatMap((j) => (problems.get(j.path) ?? []).slice(0, 3).map((l) => `  ${j.source}: ${l}`));
  if (examples.length > 0) console.log(`\nfirst problems in musegen's own output:\n${examples.slice(0, 20).join('\n')}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
