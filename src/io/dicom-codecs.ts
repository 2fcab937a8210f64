/**
 * Compressed (encapsulated) DICOM pixel data: the transfer syntaxes survkit
 * decodes, and the frame decoding through `dcmjs-codecs` — one WebAssembly
 * module holding DCMTK's IJG JPEG (8, 12 and 16 bit: baseline, extended,
 * lossless process 14 and SV1) and RLE decoders, CharLS (JPEG-LS) and OpenJPEG
 * (JPEG 2000, HTJ2K). The module (≈ 4 MB) is loaded on first use, never on import.
 */
import type dicomParser from 'dicom-parser';
import dicomParserModule from 'dicom-parser';
import { survkitError } from '../core/errors.js';

export type DicomCodecMethod = 'decodeRle' | 'decodeJpeg' | 'decodeJpegLs' | 'decodeJpeg2000' | 'decodeHtJpeg2000';

/** Compressed transfer syntaxes survkit decodes: UID → name and codec. */
export const DICOM_COMPRESSED_SYNTAXES: Readonly<Record<string, { name: string; method: DicomCodecMethod }>> = {
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', method: 'decodeRle' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline (Process 1)', method: 'decodeJpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended (Process 2 and 4)', method: 'decodeJpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', method: 'decodeJpeg' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', method: 'decodeJpeg' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', method: 'decodeJpegLs' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Lossy (Near-Lossless)', method: 'decodeJpegLs' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 (Lossless Only)', method: 'decodeJpeg2000' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', method: 'decodeJpeg2000' },
  '1.2.840.10008.1.2.4.201': { name: 'High-Throughput JPEG 2000 (Lossless Only)', method: 'decodeHtJpeg2000' },
  '1.2.840.10008.1.2.4.202': { name: 'High-Throughput JPEG 2000 with RPCL Options (Lossless Only)', method: 'decodeHtJpeg2000' },
  '1.2.840.10008.1.2.4.203': { name: 'High-Throughput JPEG 2000', method: 'decodeHtJpeg2000' },
};

/** Names of syntaxes survkit knows but does not decode (named in the error). */
const OTHER_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.52': 'JPEG Extended (Process 3 and 5, retired)',
  '1.2.840.10008.1.2.4.53': 'JPEG Spectral Selection (retired)',
  '1.2.840.10008.1.2.4.55': 'JPEG Full Progression (retired)',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 Multi-component (Lossless Only)',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2 Multi-component',
  '1.2.840.10008.1.2.4.94': 'JPIP Referenced',
  '1.2.840.10008.1.2.4.95': 'JPIP Referenced Deflate',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile / Main Level',
  '1.2.840.10008.1.2.4.101': 'MPEG2 Main Profile / High Level',
  '1.2.840.10008.1.2.4.102': 'MPEG-4 AVC/H.264 High Profile / Level 4.1',
  '1.2.840.10008.1.2.4.103': 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1',
  '1.2.840.10008.1.2.4.104': 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video',
  '1.2.840.10008.1.2.4.105': 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video',
  '1.2.840.10008.1.2.4.106': 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2',
  '1.2.840.10008.1.2.4.107': 'HEVC/H.265 Main Profile / Level 5.1',
  '1.2.840.10008.1.2.4.108': 'HEVC/H.265 Main 10 Profile / Level 5.1',
  '1.2.840.10008.1.2.4.110': 'JPEG XL Lossless',
  '1.2.840.10008.1.2.4.111': 'JPEG XL JPEG Recompression',
  '1.2.840.10008.1.2.4.112': 'JPEG XL',
};

/** The name of a transfer syntax UID ('unknown transfer syntax' when survkit does not know it). */
export function transferSyntaxName(uid: string): string {
  return DICOM_COMPRESSED_SYNTAXES[uid]?.name ?? OTHER_SYNTAXES[uid] ?? 'unknown transfer syntax';
}

interface CodecContext {
  getDecodedBuffer(): Uint8Array | undefined;
  getPlanarConfiguration(): number | undefined;
}
interface CodecModule {
  NativeCodecs: { initializeAsync(opts?: object): Promise<void>; isInitialized(): boolean } & Record<
    DicomCodecMethod,
    (c: CodecContext, p?: object) => CodecContext
  >;
  Context: new (attrs: object) => CodecContext;
}

let codecs: CodecModule | undefined;
let loading: Promise<CodecModule> | undefined;

/**
 * Loads the DICOM codecs (the `dcmjs-codecs` WebAssembly module) once per
 * thread. {@link readDicom} and {@link readDicomSeries} call it when they meet
 * compressed pixel data; call it yourself before {@link parseDicom} on
 * compressed bytes (parseDicom is synchronous).
 *
 * @param file the file that needs them, named in the error
 * @throws {SurvkitError} `dicomCodecMissing` when the package cannot be loaded
 */
export async function loadDicomCodecs(file = 'compressed pixel data'): Promise<void> {
  if (codecs !== undefined) return;
  loading ??= (async () => {
    let mod: CodecModule;
    try {
      const m = (await import('dcmjs-codecs')) as unknown as { default?: CodecModule } & CodecModule;
      mod = m.default ?? m;
      await mod.NativeCodecs.initializeAsync();
    } catch (e) {
      loading = undefined;
      throw survkitError('dicomCodecMissing', 'loadDicomCodecs', file, e instanceof Error ? e.message : String(e));
    }
    codecs = mod;
    return mod;
  })();
  await loading;
}

/** Whether {@link loadDicomCodecs} has finished in this thread. */
export function dicomCodecsLoaded(): boolean {
  return codecs !== undefined;
}

/** What a compressed frame set decodes to: native little-endian pixel bytes of every frame, back to back. */
export interface DecodedPixels {
  bytes: Uint8Array;
  /** Planar configuration of the decoded bytes (0: samples interleaved, 1: one plane per sample). */
  planar: number;
}

/** Pixel attributes the codecs need. */
export interface FrameAttributes {
  rows: number;
  columns: number;
  frames: number;
  bitsAllocated: number;
  bitsStored: number;
  samples: number;
  signed: boolean;
  planar: number;
  photometric: string;
}

/** The encapsulated fragments of each frame (PS3.5 A.4): by the Basic Offset Table, one fragment per frame, or all fragments for one frame. */
function frameBytes(ds: dicomParser.DataSet, pixel: dicomParser.Element, frames: number, fail: (p: string) => never): Uint8Array[] {
  const fragments = pixel.fragments ?? [];
  const bot = pixel.basicOffsetTable ?? [];
  const out: Uint8Array[] = [];
  try {
    if (bot.length > 0) {
      if (bot.length !== frames) fail(`the Basic Offset Table has ${bot.length} entries for ${frames} frame(s)`);
      for (let i = 0; i < frames; i++) out.push(dicomParserModule.readEncapsulatedImageFrame(ds, pixel, i));
    } else if (frames === 1) {
      out.push(dicomParserModule.readEncapsulatedPixelDataFromFragments(ds, pixel, 0, fragments.length));
    } else if (fragments.length === frames) {
      for (let i = 0; i < frames; i++) out.push(dicomParserModule.readEncapsulatedPixelDataFromFragments(ds, pixel, i, 1));
    } else {
      // No offset table and several fragments per frame: a frame starts at each fragment opening with a JPEG SOI (FFD8) or J2K SOC (FF4F).
      const starts: number[] = [];
      fragments.forEach((f, k) => {
        const b0 = ds.byteArray[f.position];
        const b1 = ds.byteArray[f.position + 1];
        if (b0 === 0xff && (b1 === 0xd8 || b1 === 0x4f)) starts.push(k);
      });
      if (starts.length !== frames) fail(`cannot split ${fragments.length} fragments into ${frames} frames (no Basic Offset Table)`);
      starts.forEach((s, i) => out.push(dicomParserModule.readEncapsulatedPixelDataFromFragments(ds, pixel, s, (starts[i + 1] ?? fragments.length) - s)));
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'SurvkitError') throw e;
    fail(`the encapsulated pixel data cannot be split into frames (${e instanceof Error ? e.message : String(e)})`);
  }
  return out;
}

/**
 * Decodes every frame of encapsulated pixel data (the codecs must be loaded).
 *
 * @throws {SurvkitError} `dicomCodecNotLoaded` before {@link loadDicomCodecs}; `dicomFile` when a frame does not decode
 *   to rows × columns × samples × BitsAllocated/8 bytes
 */
export function decodeFrames(fn: string, file: string, syntax: string, ds: dicomParser.DataSet, pixel: dicomParser.Element, a: FrameAttributes): DecodedPixels {
  const fail = (problem: string): never => {
    throw survkitError('dicomFile', fn, file, problem);
  };
  const entry = DICOM_COMPRESSED_SYNTAXES[syntax];
  if (entry === undefined) throw survkitError('dicomTransferSyntax', fn, file, syntax, transferSyntaxName(syntax));
  if (codecs === undefined) throw survkitError('dicomCodecNotLoaded', fn, file, syntax, entry.name);
  const { NativeCodecs, Context } = codecs;
  const frameSize = a.rows * a.columns * a.samples * (a.bitsAllocated / 8);
  const bytes = new Uint8Array(frameSize * a.frames);
  let planar = 0;
  frameBytes(ds, pixel, a.frames, fail).forEach((encoded, i) => {
    const ctx = new Context({
      width: a.columns,
      height: a.rows,
      bitsAllocated: a.bitsAllocated,
      bitsStored: a.bitsStored,
      samplesPerPixel: a.samples,
      pixelRepresentation: a.signed ? 1 : 0,
      planarConfiguration: a.planar,
      photometricInterpretation: a.photometric,
      encodedBuffer: encoded,
    });
    let out: CodecContext;
    try {
      out = NativeCodecs[entry.method](ctx, { convertColorspaceToRgb: false });
    } catch (e) {
      return fail(`frame ${i + 1} of ${a.frames} does not decode as ${entry.name} (${e instanceof Error ? e.message : String(e)})`);
    }
    const decoded = out.getDecodedBuffer();
    if (decoded === undefined || decoded.length < frameSize)
      fail(`frame ${i + 1} of ${a.frames} decodes to ${decoded?.length ?? 0} bytes; ${a.rows} × ${a.columns} × ${a.samples} samples need ${frameSize}`);
    bytes.set((decoded as Uint8Array).subarray(0, frameSize), i * frameSize);
    planar = out.getPlanarConfiguration() ?? a.planar;
  });
  return { bytes, planar };
}
