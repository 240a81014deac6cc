/**
 * Reading a 16-bit PCM WAV file back, for the render tests, and measuring it:
 * the loudest sample and the loudness (RMS) of a window of time.
 */
export interface Wav {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** One array per channel, samples as −1..1. */
  data: Float32Array[];
  seconds: number;
}

export function readWav(bytes: Uint8Array): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (at: number, n: number): string => String.fromCharCode(...bytes.subarray(at, at + n));
  if (text(0, 4) !== 'RIFF' || text(8, 4) !== 'WAVE') throw new Error('not a RIFF WAVE file');
  let at = 12;
  let format: { channels: number; sampleRate: number; bitsPerSample: number; pcm: number } | undefined;
  while (at + 8 <= bytes.length) {
    const id = text(at, 4);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      format = { pcm: view.getUint16(at + 8, true), channels: view.getUint16(at + 10, true), sampleRate: view.getUint32(at + 12, true), bitsPerSample: view.getUint16(at + 22, true) };
    } else if (id === 'data') {
      if (!format || format.pcm !== 1 || format.bitsPerSample !== 16) throw new Error('not 16-bit PCM');
      const frames = size / (2 * format.channels);
      const data = Array.from({ length: format.channels }, () => new Float32Array(frames));
      for (let i = 0; i < frames; i++) for (let c = 0; c < format.channels; c++) data[c]![i] = view.getInt16(at + 8 + 2 * (i * format.channels + c), true) / 32768;
      return { channels: format.channels, sampleRate: format.sampleRate, bitsPerSample: 16, data, seconds: frames / format.sampleRate };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

/** The largest |sample| over every channel. */
export function peakOf(wav: Wav): number {
  let max = 0;
  for (const ch of wav.data) for (const x of ch) max = Math.max(max, Math.abs(x));
  return max;
}

/** Root mean square over every channel between two times in seconds. */
export function rmsBetween(wav: Wav, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from * wav.sampleRate));
  const b = Math.min(wav.data[0]!.length, Math.floor(to * wav.sampleRate));
  let sum = 0;
  for (const ch of wav.data) for (let i = a; i < b; i++) sum += ch[i]! * ch[i]!;
  return Math.sqrt(sum / Math.max(1, (b - a) * wav.data.length));
}
