/**
 * DICOM images on the host: pixel data of uncompressed DICOM files (single
 * and multi-frame, grey or RGB) as modality values (stored value × Rescale
 * Slope + Rescale Intercept, e.g. Hounsfield units for CT), windowing
 * (DICOM PS3.3 C.11.2.1.2.1, 'LINEAR'), and series assembled into volumes
 * in patient order. Parsing uses `dicom-parser`; the pixel decoding, rescale
 * and windowing are checked against pydicom.
 *
 * Transfer syntaxes: implicit VR little endian, explicit VR little and big
 * endian, and the compressed ones of {@link DICOM_COMPRESSED_SYNTAXES} — JPEG
 * baseline and extended (8 and 12 bit), JPEG lossless (process 14 and SV1),
 * JPEG-LS (lossless and near-lossless), JPEG 2000, HTJ2K and RLE Lossless —
 * decoded by the `dcmjs-codecs` WebAssembly module (src/io/dicom-codecs.ts),
 * checked against pydicom on pydicom's public test files. Other syntaxes are
 * rejected with an error naming the file, the syntax UID and its name.
 */
import dicomParser from 'dicom-parser';
import { survkitError, SurvkitError } from '../core/errors.js';
import { readFileBytes } from './read-bytes.js';
import { decodeFrames, DICOM_COMPRESSED_SYNTAXES, loadDicomCodecs, transferSyntaxName } from './dicom-codecs.js';

/** What {@link parseDicom} returns: one DICOM image (all its frames) on the host. */
export interface DicomImage {
  /** The file name (or the label given), named in errors. */
  file: string;
  rows: number;
  columns: number;
  /** Number of frames (NumberOfFrames, 1 when absent). */
  frames: number;
  /** 1 (grey) or 3 (RGB). */
  samplesPerPixel: number;
  /** PhotometricInterpretation: 'MONOCHROME1' (low values bright), 'MONOCHROME2' or 'RGB'. */
  photometric: string;
  /**
   * frames × rows × columns × samplesPerPixel values, row-major with samples
   * last (RGB interleaved whatever the file's PlanarConfiguration), after the
   * modality rescale (grey images only).
   */
  pixels: Float32Array;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** The first VOI window of the file (WindowCenter / WindowWidth), or undefined. */
  window: DicomWindow | undefined;
  /** Bits per stored value (BitsStored) and whether values are signed (PixelRepresentation 1). */
  bitsStored: number;
  signed: boolean;
  /** PixelSpacing in mm, [between rows, between columns], or undefined. */
  pixelSpacing: [number, number] | undefined;
  sliceThickness: number | undefined;
  /** ImagePositionPatient (mm) and ImageOrientationPatient (row then column direction cosines). */
  imagePositionPatient: [number, number, number] | undefined;
  imageOrientationPatient: [number, number, number, number, number, number] | undefined;
  instanceNumber: number | undefined;
  modality: string | undefined;
  seriesInstanceUID: string | undefined;
  transferSyntaxUID: string;
}

/** A VOI window: the centre and width of the range of modality values mapped to display grey levels. */
export interface DicomWindow {
  center: number;
  width: number;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const NATIVE = [IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE];

const TAG = {
  transferSyntax: 'x00020010',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  planarConfiguration: 'x00280006',
  frames: 'x00280008',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  sliceThickness: 'x00180050',
  imagePosition: 'x00200032',
  imageOrientation: 'x00200037',
  instanceNumber: 'x00200013',
  modality: 'x00080060',
  seriesUid: 'x0020000e',
  pixelData: 'x7fe00010',
} as const;

function floats(ds: dicomParser.DataSet, tag: string): number[] | undefined {
  const n = ds.numStringValues(tag);
  if (n === undefined || n === 0) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = ds.floatString(tag, i);
    if (v === undefined || !Number.isFinite(v)) return undefined;
    out.push(v);
  }
  return out;
}

/**
 * Parses one DICOM file's bytes: attributes and pixel data as modality values.
 *
 * @param bytes the file: DICOM Part 10 (preamble and "DICM"), or a bare implicit VR little endian data set
 * @param file a name for error messages (default 'DICOM data')
 * @throws {SurvkitError} `dicomFile` when the bytes are not DICOM, have no pixel data, or have pixel attributes
 *   survkit cannot decode (BitsAllocated other than 8, 16 or 32, SamplesPerPixel other than 1 or 3, too few bytes);
 *   `dicomTransferSyntax` for a transfer syntax survkit does not decode; `dicomCodecNotLoaded` for compressed pixel
 *   data before `await loadDicomCodecs()` (readDicom loads the codecs itself)
 * @example
 * const img = parseDicom(new Uint8Array(await readFile('slice.dcm')), 'slice.dcm');
 * img.pixels; // Float32Array of Hounsfield units for CT
 */
export function parseDicom(bytes: Uint8Array, file = 'DICOM data'): DicomImage {
  const fn = 'parseDicom';
  const fail = (problem: string): never => {
    throw survkitError('dicomFile', fn, file, problem);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${typeof bytes}`);
  let ds: dicomParser.DataSet;
  const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e)); // dicom-parser throws strings too
  try {
    ds = dicomParser.parseDicom(bytes);
  } catch (e) {
    // Without the "DICM" prefix (older archives write the bare data set): implicit VR little endian, the default syntax.
    if (!/DICM prefix not found/.test(reasonOf(e))) return fail(`not a readable DICOM file (${reasonOf(e).replace(/^dicomParser\.\w+: /, '')})`);
    try {
      ds = dicomParser.parseDicom(bytes, { TransferSyntaxUID: IMPLICIT_LE });
    } catch (e2) {
      return fail(
        `not a readable DICOM file (no "DICM" prefix, and not an implicit VR little endian data set: ${reasonOf(e2).replace(/^dicomParser\.\w+: /, '')})`,
      );
    }
    if (ds.elements[TAG.pixelData] === undefined && ds.elements[TAG.rows] === undefined)
      return fail('not a readable DICOM file (no "DICM" prefix, and no image attributes as a bare data set)');
  }
  const syntax = ds.string(TAG.transferSyntax) ?? IMPLICIT_LE;
  const pixel = ds.elements[TAG.pixelData];
  if (pixel === undefined) return fail('has no pixel data (7FE0,0010); it is not an image');
  const compressed = pixel.encapsulatedPixelData === true || !NATIVE.includes(syntax);
  if (compressed && DICOM_COMPRESSED_SYNTAXES[syntax] === undefined) throw survkitError('dicomTransferSyntax', fn, file, syntax, transferSyntaxName(syntax));
  const rows = ds.uint16(TAG.rows) ?? 0;
  const columns = ds.uint16(TAG.columns) ?? 0;
  if (rows < 1 || columns < 1) fail(`Rows and Columns must be positive; got ${rows} × ${columns}`);
  const samples = ds.uint16(TAG.samplesPerPixel) ?? 1;
  if (samples !== 1 && samples !== 3) fail(`SamplesPerPixel must be 1 or 3; got ${samples}`);
  const frames = ds.intString(TAG.frames) ?? 1;
  if (!(frames >= 1)) fail(`NumberOfFrames must be a positive integer; got ${frames}`);
  const bitsAllocated = ds.uint16(TAG.bitsAllocated) ?? 0;
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32) fail(`BitsAllocated must be 8, 16 or 32; got ${bitsAllocated}`);
  const bitsStored = ds.uint16(TAG.bitsStored) ?? bitsAllocated;
  const highBit = ds.uint16(TAG.highBit) ?? bitsStored - 1;
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    fail(`inconsistent BitsStored ${bitsStored} / HighBit ${highBit} for BitsAllocated ${bitsAllocated}`);
  }
  const signed = (ds.uint16(TAG.pixelRepresentation) ?? 0) === 1;
  const photometric = ds.string(TAG.photometric) ?? (samples === 3 ? 'RGB' : 'MONOCHROME2');
  const count = frames * rows * columns * samples;
  const bytesPer = bitsAllocated / 8;
  let planarConfig = samples === 3 ? (ds.uint16(TAG.planarConfiguration) ?? 0) : 0;
  // The pixel bytes: the file's own (native syntaxes) or the decoded frames (little endian, back to back).
  let buffer: ArrayBufferLike;
  let start: number;
  let little: boolean;
  if (compressed) {
    const decoded = decodeFrames(fn, file, syntax, ds, pixel, {
      rows,
      columns,
      frames,
      bitsAllocated,
      bitsStored,
      samples,
      signed,
      planar: planarConfig,
      photometric,
    });
    ({ buffer, byteOffset: start } = decoded.bytes);
    planarConfig = decoded.planar;
    little = true;
  } else {
    if (pixel.length < count * bytesPer)
      fail(`the pixel data has ${pixel.length} bytes; ${frames} frame(s) of ${rows} × ${columns} × ${samples} × ${bytesPer} bytes need ${count * bytesPer}`);
    buffer = ds.byteArray.buffer;
    start = ds.byteArray.byteOffset + pixel.dataOffset;
    little = syntax !== EXPLICIT_BE;
  }
  const shift = highBit + 1 - bitsStored;
  // Raw values: typed-array views where the layout allows (8 bit; 16 bit little endian, copied if unaligned), else a DataView.
  let raw: Uint8Array | Uint16Array | undefined;
  if (bitsAllocated === 8) raw = new Uint8Array(buffer, start, count);
  else if (bitsAllocated === 16 && little)
    raw = start % 2 === 0 ? new Uint16Array(buffer, start, count) : new Uint16Array(new Uint8Array(buffer, start, 2 * count).slice().buffer);
  const view = new DataView(buffer, start, count * bytesPer);
  const read =
    raw !== undefined
      ? (i: number) => raw[i] as number
      : bitsAllocated === 16
        ? (i: number) => view.getUint16(2 * i, little)
        : (i: number) => view.getUint32(4 * i, little);
  // Stored value: the BitsStored bits ending at HighBit, two's complement when signed (integer ops up to 31 bits).
  const mask = 2 ** Math.min(bitsStored, 31) - 1;
  const up = 32 - bitsStored;
  const range = 2 ** bitsStored;
  const decode =
    bitsStored <= 31
      ? signed
        ? (r: number) => (((r >>> shift) & mask) << up) >> up
        : (r: number) => (r >>> shift) & mask
      : signed
        ? (r: number) => (r >= range / 2 ? r - range : r)
        : (r: number) => r;
  const slope = samples === 1 ? (ds.floatString(TAG.rescaleSlope) ?? 1) : 1;
  const intercept = samples === 1 ? (ds.floatString(TAG.rescaleIntercept) ?? 0) : 0;
  if (!Number.isFinite(slope) || !Number.isFinite(intercept)) fail(`RescaleSlope / RescaleIntercept must be numbers; got ${slope} / ${intercept}`);
  const planar = samples === 3 && planarConfig === 1;
  const perFrame = rows * columns;
  const pixels = new Float32Array(count);
  if (!planar) {
    for (let i = 0; i < count; i++) pixels[i] = decode(read(i)) * slope + intercept;
  } else {
    // File order: frame, sample plane, pixel → survkit order: frame, pixel, sample.
    for (let i = 0; i < count; i++) {
      const f = Math.floor(i / (3 * perFrame));
      const r = i - 3 * perFrame * f;
      const smp = Math.floor(r / perFrame);
      pixels[3 * perFrame * f + 3 * (r - smp * perFrame) + smp] = decode(read(i)) * slope + intercept;
    }
  }
  const centers = floats(ds, TAG.windowCenter);
  const widths = floats(ds, TAG.windowWidth);
  const window =
    centers !== undefined && widths !== undefined && (widths[0] as number) >= 1 ? { center: centers[0] as number, width: widths[0] as number } : undefined;
  const spacing = floats(ds, TAG.pixelSpacing);
  const position = floats(ds, TAG.imagePosition);
  const orientation = floats(ds, TAG.imageOrientation);
  return {
    file,
    rows,
    columns,
    frames,
    samplesPerPixel: samples,
    photometric,
    pixels,
    rescaleSlope: slope,
    rescaleIntercept: intercept,
    window,
    bitsStored,
    signed,
    pixelSpacing: spacing?.length === 2 ? [spacing[0] as number, spacing[1] as number] : undefined,
    sliceThickness: ds.floatString(TAG.sliceThickness),
    imagePositionPatient: position?.length === 3 ? (position as [number, number, number]) : undefined,
    imageOrientationPatient: orientation?.length === 6 ? (orientation as [number, number, number, number, number, number]) : undefined,
    instanceNumber: ds.intString(TAG.instanceNumber),
    modality: ds.string(TAG.modality),
    seriesInstanceUID: ds.string(TAG.seriesUid),
    transferSyntaxUID: syntax,
  };
}

/**
 * Reads a DICOM file from disk ({@link parseDicom}), loading the codecs
 * ({@link loadDicomCodecs}) the first time it meets compressed pixel data.
 *
 * @throws {SurvkitError} `dataFile` when the file cannot be read; as {@link parseDicom}
 */
export async function readDicom(path: string): Promise<DicomImage> {
  const bytes = await readFileBytes('readDicom', 'path', path);
  try {
    return parseDicom(bytes, path);
  } catch (e) {
    if (!(e instanceof SurvkitError && e.code === 'dicomCodecNotLoaded')) throw e;
  }
  await loadDicomCodecs(path);
  return parseDicom(bytes, path);
}

/** Options of {@link applyWindow}. */
export interface WindowOptions {
  /** Map low values to 1 and high values to 0 (for MONOCHROME1 images; default false). */
  invert?: boolean;
}

/**
 * DICOM's linear VOI window (PS3.3 C.11.2.1.2.1, VOI LUT Function 'LINEAR')
 * scaled to [0, 1]: with c the centre and w the width, x ≤ c − 0.5 − (w−1)/2
 * → 0, x > c − 0.5 + (w−1)/2 → 1, else ((x − (c − 0.5)) / (w − 1) + 0.5).
 * The same as pydicom's `apply_voi_lut` (its output range divided out).
 *
 * @param values modality values (e.g. {@link DicomImage.pixels})
 * @param window e.g. `{ center: 40, width: 400 }` (a CT soft-tissue window) or the file's {@link DicomImage.window}
 * @returns a new Float32Array in [0, 1]
 * @throws {SurvkitError} for a width < 1 or a non-finite centre
 */
export function applyWindow(values: ArrayLike<number>, window: DicomWindow, opts: WindowOptions = {}): Float32Array {
  const fn = 'applyWindow';
  if (window === null || typeof window !== 'object' || !Number.isFinite(window.center)) throw survkitError('dicomWindow', fn, 'window', window);
  if (!(window.width >= 1) || !Number.isFinite(window.width)) throw survkitError('dicomWindowWidth', fn, 'window.width', window.width);
  const { center: c, width: w } = window;
  const lo = c - 0.5 - (w - 1) / 2;
  const hi = c - 0.5 + (w - 1) / 2;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    const y = x <= lo ? 0 : x > hi ? 1 : (x - (c - 0.5)) / (w - 1) + 0.5;
    out[i] = opts.invert === true ? 1 - y : y;
  }
  return out;
}
