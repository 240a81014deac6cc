/**
 * Compressed MusicXML (.mxl): a zip archive whose META-INF/container.xml
 * names the score inside (the first <rootfile full-path=...>). Here: open
 * the archive and return that score's XML text, errors saying what is
 * missing; and pack a score's XML text into such an archive.
 */
import { strToU8, unzipSync, zipSync, type Unzipped } from 'fflate';
import { MusegenError, errorMessage } from '../errors.js';
import { attr, childrenNamed, decodeXml, parseXml, rootElement, type XmlNode } from './musicxml-dom.js';

const CONTAINER = 'META-INF/container.xml';
const MUSICXML_MEDIA = 'application/vnd.recordare.musicxml+xml';

/** Does the data start like a zip archive (local file header "PK\x03\x04", or an empty archive)? */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

function unzipOnly(bytes: Uint8Array, name: string): Uint8Array | undefined {
  let files: Unzipped;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === name });
  } catch (e) {
    throw new MusegenError('BAD_FORMAT', `damaged compressed MusicXML archive (${errorMessage(e)})`);
  }
  return files[name];
}

/** The rootfile path META-INF/container.xml names (a MusicXML one when several are listed). */
function rootfilePath(container: XmlNode[]): string | undefined {
  const root = rootElement(container);
  const rootfiles = root ? childrenNamed(root, 'rootfiles').flatMap((r) => childrenNamed(r, 'rootfile')) : [];
  const musicxml = rootfiles.find((r) => (attr(r, 'media-type') ?? MUSICXML_MEDIA) === MUSICXML_MEDIA) ?? rootfiles[0];
  return musicxml && attr(musicxml, 'full-path');
}

/** The XML text of the score inside a .mxl archive. */
export function unpackMxl(bytes: Uint8Array): string {
  if (!isZip(bytes)) throw new MusegenError('BAD_FORMAT', 'not a compressed MusicXML file (not a zip archive)');
  const container = unzipOnly(bytes, CONTAINER);
  if (!container) throw new MusegenError('BAD_FORMAT', `not a compressed MusicXML file (no ${CONTAINER} in the archive)`);
  let path: string | undefined;
  try {
    path = rootfilePath(parseXml(decodeXml(container)));
  } catch (e) {
    throw new MusegenError('BAD_FORMAT', `${CONTAINER}: ${errorMessage(e)}`);
  }
  if (!path) throw new MusegenError('BAD_FORMAT', `${CONTAINER} names no <rootfile full-path="...">`);
  const score = unzipOnly(bytes, path);
  if (!score) throw new MusegenError('BAD_FORMAT', `the archive lacks "${path}", the score ${CONTAINER} names`);
  return decodeXml(score);
}

/** The name of the score inside the archives musegen writes. */
const PACKED_SCORE = 'score.musicxml';

/** A .mxl archive holding `xml` as its score (the mimetype entry first and stored, as the format asks). */
export function packMxl(xml: string): Uint8Array {
  const container = `<?xml version="1.0" encoding="UTF-8"?>
<container><rootfiles><rootfile full-path="${PACKED_SCORE}" media-type="${MUSICXML_MEDIA}"/></rootfiles></container>
`;
  return zipSync({
    mimetype: [strToU8('application/vnd.recordare.musicxml'), { level: 0 }],
    [CONTAINER]: strToU8(container),
    [PACKED_SCORE]: strToU8(xml),
  });
}
