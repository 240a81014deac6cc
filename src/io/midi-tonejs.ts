/**
 * The one place that imports @tonejs/midi. It is CommonJS: a named import
 * compiles but fails at run time, so take `Midi` off the default export.
 */
import pkg from '@tonejs/midi';

export const { Midi } = pkg;
export type ToneMidi = InstanceType<typeof Midi>;
export type ToneTrack = ToneMidi['tracks'][number];
