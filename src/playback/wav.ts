/**
 * RIFF WAVE files: 16-bit PCM, channels interleaved, little-endian.
 *
 *   "RIFF" size "WAVE" │ "fmt " 16 PCM channels rate bytes/s align bits │ "data" size samples…
 */
import type { RenderedAudio } from './render.js';

const HEADER_BYTES = 44;

/** `audio` as the bytes of a 16-bit PCM WAV file (samples clamped to −1..1). */
export function encodeWav(audio: RenderedAudio): Uint8Array {
  const { channels, sampleRate } = audio;
  const frames = channels[0]?.length ?? 0;
  const blockAlign = channels.length * 2;
  const dataBytes = frames * blockAlign;
  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  let at = HEADER_BYTES;
  for (let i = 0; i < frames; i++) {
    for (const ch of channels) {
      const x = Math.max(-1, Math.min(1, ch[i]!));
      view.setInt16(at, Math.round(x < 0 ? x * 0x8000 : x * 0x7fff), true);
      at += 2;
    }
  }
  return bytes;
}
