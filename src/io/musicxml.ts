/**
 * MusicXML in the format registry: reads .musicxml, .xml and compressed .mxl
 * (a zip archive is recognised by its bytes, whatever the extension) and
 * writes MusicXML 3.1 as the "musicxml" format, and compressed as "mxl".
 */
import { MusegenError } from '../errors.js';
import type { Score } from '../score/index.js';
import { extensionOf } from './file-name.js';
import { decodeXml } from './musicxml-dom.js';
import { readMusicXml, type MusicXmlReadOptions } from './musicxml-read.js';
import { writeMusicXml } from './musicxml-write.js';
import { isZip, packMxl, unpackMxl } from './mxl.js';
import { registerReader, registerWriter, type FormatReader, type FormatWriter } from './registry.js';

export { readMusicXml, MUSICXML_READ_DEFAULTS, type MusicXmlReadOptions } from './musicxml-read.js';
export { writeMusicXml, type MusicXmlWriteOptions } from './musicxml-write.js';
export { packMxl, unpackMxl } from './mxl.js';

/** A Score from the bytes of a .musicxml, .xml or .mxl file. */
export function readMusicXmlBytes(bytes: Uint8Array, fileName: string, options: Partial<MusicXmlReadOptions> = {}): Score {
  if (isZip(bytes)) return readMusicXml(unpackMxl(bytes), options);
  if (extensionOf(fileName).toLowerCase() === '.mxl') {
    throw new MusegenError('BAD_FORMAT', 'not a compressed MusicXML file (not a zip archive)');
  }
  return readMusicXml(decodeXml(bytes), options);
}

export const musicXmlReader: FormatReader = {
  name: 'musicxml',
  extensions: ['.musicxml', '.xml', '.mxl'],
  version: 4,
  read: (bytes, fileName) => [{ score: readMusicXmlBytes(bytes, fileName) }],
};

export const musicXmlWriter: FormatWriter = {
  name: 'musicxml',
  extension: '.musicxml',
  write: (score) => new TextEncoder().encode(writeMusicXml(score)),
};

export const mxlWriter: FormatWriter = {
  name: 'mxl',
  extension: '.mxl',
  write: (score) => packMxl(writeMusicXml(score)),
};

registerReader(musicXmlReader);
registerWriter(musicXmlWriter);
registerWriter(mxlWriter);
