import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readDicom } from '../../src/io/dicom.js';

// The codec package cannot be loaded (not installed, or its WebAssembly fails): every import of it throws.
vi.mock('dcmjs-codecs', () => {
  throw new Error("Cannot find package 'dcmjs-codecs'");
});

describe('compressed DICOM without the codec package', () => {
  it('names the file and says what to do', async () => {
    const file = join(import.meta.dirname, '..', 'fixtures', 'dicom', 'public', 'MR_small_RLE.dcm');
    await expect(readDicom(file)).rejects.toThrow(
      /^loadDicomCodecs: .*MR_small_RLE\.dcm: the DICOM codecs \(package 'dcmjs-codecs'\) cannot be loaded \(.*\); reinstall .*gdcmconv --raw/,
    );
  });
});
