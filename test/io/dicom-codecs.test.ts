import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { parseDicom, readDicom } from '../../src/io/dicom.js';
import { DICOM_COMPRESSED_SYNTAXES, loadDicomCodecs } from '../../src/io/dicom-codecs.js';
import { readDicomSeries } from '../../src/io/dicom-series.js';
import { errorOf } from '../helpers/errors.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'dicom', 'public');

interface Golden {
  source: string;
  transferSyntax: string;
  transferSyntaxName: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsStored: number;
  signed: boolean;
  photometricDecoded: string;
  count: number;
  sha256: string;
  min: number;
  max: number;
  sampleIndex: number[];
  sampleValues: number[];
  valuesF64GzB64?: string;
  knownDifference?: { note: string; pydicomMainReference: { rows: number[]; column: number; values: number[] } };
}
/** pydicom 2.3.1 with GDCM 3.0.21 (RLE: pydicom's rle_handler) on pydicom's public test files (test/fixtures/generators/dicom_public_pydicom.py). */
const golden = JSON.parse(readFileSync(join(dir, 'pydicom.json'), 'utf8')) as { provenance: object; files: Record<string, Golden> };

describe('compressed DICOM (pydicom test data) decoded by readDicom = pydicom', () => {
  it('the fixtures cover every transfer syntax of the task', () => {
    const syntaxes = new Set(Object.values(golden.files).map((g) => g.transferSyntax));
    for (const uid of ['50', '51', '57', '70', '80', '81', '90', '91'].map((s) => `1.2.840.10008.1.2.4.${s}`).concat('1.2.840.10008.1.2.5'))
      expect(syntaxes.has(uid), uid).toBe(true);
  });

  it.each(Object.keys(golden.files))('%s: modality values exactly equal to pydicom', async (name) => {
    const g = golden.files[name] as Golden;
    const im = await readDicom(join(dir, name));
    expect(im.transferSyntaxUID).toBe(g.transferSyntax);
    expect(DICOM_COMPRESSED_SYNTAXES[g.transferSyntax]).toBeDefined();
    expect([im.rows, im.columns, im.frames, im.samplesPerPixel, im.bitsStored, im.signed, im.photometric]).toEqual([
      g.rows,
      g.columns,
      g.frames,
      g.samplesPerPixel,
      g.bitsStored,
      g.signed,
      g.photometricDecoded,
    ]);
    expect(im.pixels.length).toBe(g.count);
    const f64 = Float64Array.from(im.pixels);
    // pydicom 2.3.1 + GDCM leave a signed JPEG-LS image's two's-complement values unsigned: compare after sign extension at
    // BitsStored, and against current pydicom's own reference values for the file.
    const half = 2 ** (g.bitsStored - 1);
    const fix = g.knownDifference === undefined ? (v: number) => v : (v: number) => (v >= half ? v - 2 * half : v);
    if (g.knownDifference !== undefined) {
      const ref = g.knownDifference.pydicomMainReference;
      expect(ref.rows.map((r) => im.pixels[r * g.columns + ref.column])).toEqual(ref.values);
    }
    g.sampleIndex.forEach((i, k) => expect(f64[i], `value ${i}`).toBe(Math.fround(fix(g.sampleValues[k] as number))));
    if (g.valuesF64GzB64 !== undefined) {
      const buf = gunzipSync(Buffer.from(g.valuesF64GzB64, 'base64'));
      const want = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8).map(fix);
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs((f64[i] as number) - Math.fround(want[i] as number)));
      expect(maxDiff).toBe(0);
    }
    // Integer-valued pixels are exact in float32 and float64 alike: the hash of pydicom's float64 values must match.
    if (g.knownDifference === undefined && f64.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 24))
      expect(createHash('sha256').update(new Uint8Array(f64.buffer)).digest('hex')).toBe(g.sha256);
  });

  it('readDicomSeries reads a compressed single-frame file as a one-slice series', async () => {
    const s = await readDicomSeries([join(dir, 'MR_small_jpeg_ls_lossless.dcm')]);
    const im = await readDicom(join(dir, 'MR_small_RLE.dcm'));
    expect(s.volume).toEqual(im.pixels); // JPEG-LS and RLE copies of the same image
  });

  it('parseDicom decodes compressed bytes once the codecs are loaded', async () => {
    await loadDicomCodecs();
    const bytes = new Uint8Array(readFileSync(join(dir, 'MR_small_jp2klossless.dcm')));
    expect(parseDicom(bytes, 'mr.dcm').pixels.length).toBe(64 * 64);
  });

  it('an unsupported syntax names the file, the UID, its name and what to do', () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'MR_small_RLE.dcm')));
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf('1.2.840.10008.1.2.5\0');
    expect(at).toBeGreaterThan(0);
    // JPEG XL Lossless has a longer UID; a 20-byte field holds '1.2.840.10008.1.2.4.52' only when shortened, so use an unknown one.
    bytes.set(Buffer.from('1.2.840.10008.1.2.8\0', 'latin1'), at);
    const e = errorOf(() => parseDicom(bytes, 'x.dcm'));
    expect(e.message).toBe(messages.dicomTransferSyntax('parseDicom', 'x.dcm', '1.2.840.10008.1.2.8', 'unknown transfer syntax'));
    expect(e.message).toMatch(/gdcmconv --raw/);
  });

  it('a corrupt frame is an error naming the file and the syntax, not garbage', async () => {
    await loadDicomCodecs();
    const bytes = new Uint8Array(readFileSync(join(dir, 'MR_small_jp2klossless.dcm')));
    // Keep the J2K SOC marker but zero the rest of the code stream.
    const text = Buffer.from(bytes).toString('latin1');
    const soc = text.indexOf('\xff\x4f\xff\x51');
    expect(soc).toBeGreaterThan(0);
    bytes.fill(0, soc + 4, soc + 400);
    expect(() => parseDicom(bytes, 'bad.dcm')).toThrow(/bad\.dcm: .*(JPEG 2000|decodes to)/);
  });
});
