/**
 * Medical image files: (1) decode time per frame of each compressed DICOM
 * fixture (pydicom's public test files) with dcmjs-codecs — survkit's codec —
 * next to the single-syntax Cornerstone codecs and jpeg-lossless-decoder-js,
 * and whether each decodes the frame to the same values; (2) resident memory
 * of a training run (CoxPH on a small CNN, one epoch) streaming an
 * imageDataset of n synthetic 64×64 PNG or NIfTI files, for n = 1 000 and
 * 10 000 (each run in a fresh child process).
 *
 *   npx tsx bench/imaging-files.ts [--only codecs,memory] [--sizes 1000,10000] [--kinds png,nifti] [--workers 1]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import dicomParser from 'dicom-parser';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const FIXTURES = join(HERE, '..', 'test', 'fixtures', 'dicom', 'public');
const require = createRequire(import.meta.url);

type Codec = { getEncodedBuffer(n: number): Uint8Array; decode(): void; getDecodedBuffer(): Uint8Array };
type CodecModule = Record<string, new () => Codec>;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timeIt(f: () => Uint8Array | ArrayBuffer | undefined, reps: number): { ms: number; out: Uint8Array | undefined; error?: string } {
  const ts: number[] = [];
  let out: Uint8Array | undefined;
  try {
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const o = f();
      ts.push(performance.now() - t0);
      out = o === undefined ? undefined : o instanceof Uint8Array ? o : new Uint8Array(o);
    }
  } catch (e) {
    return { ms: NaN, out: undefined, error: e instanceof Error ? e.message : String(e) };
  }
  return { ms: median(ts), out };
}

async function benchCodecs(): Promise<void> {
  const { NativeCodecs, Context } = (await import('dcmjs-codecs')).default as unknown as {
    NativeCodecs: Record<string, (c: unknown, p?: object) => { getDecodedBuffer(): Uint8Array }> & { initializeAsync(): Promise<void> };
    Context: new (a: object) => unknown;
  };
  await NativeCodecs.initializeAsync();
  // The alternatives are optional: a package that is not installed is reported, not required.
  const load = async (name: string): Promise<CodecModule | undefined> => {
    try {
      return await (require(name) as () => Promise<CodecModule>)();
    } catch {
      return undefined;
    }
  };
  const charls = await load('@cornerstonejs/codec-charls/decodewasmjs');
  const openjpeg = await load('@cornerstonejs/codec-openjpeg/decodewasmjs');
  const turbo = await load('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs');
  const losslessName = 'jpeg-lossless-decoder-js';
  const lossless = (await import(losslessName).catch(() => undefined)) as
    { Decoder: new () => { decode(b: ArrayBuffer, o: number, l: number): ArrayBuffer } } | undefined;
  const cs = (mod: CodecModule | undefined, cls: string, bytes: Uint8Array) => (): Uint8Array => {
    if (mod === undefined) throw new Error('not installed');
    const d = new (mod[cls] as new () => Codec)();
    d.getEncodedBuffer(bytes.length).set(bytes);
    d.decode();
    return d.getDecodedBuffer().slice();
  };
  const golden = JSON.parse(readFileSync(join(FIXTURES, 'pydicom.json'), 'utf8')) as { files: Record<string, { transferSyntax: string }> };
  const method: Record<string, string> = { '5': 'decodeRle', '80': 'decodeJpegLs', '81': 'decodeJpegLs', '90': 'decodeJpeg2000', '91': 'decodeJpeg2000' };
  console.log('| file | syntax | pixels | dcmjs-codecs ms | alternative | alternative ms | alternative = dcmjs-codecs |');
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, g] of Object.entries(golden.files)) {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
    const ds = dicomParser.parseDicom(bytes);
    const px = ds.elements.x7fe00010 as dicomParser.Element;
    const frame =
      px.basicOffsetTable !== undefined && px.basicOffsetTable.length > 0
        ? dicomParser.readEncapsulatedImageFrame(ds, px, 0)
        : dicomParser.readEncapsulatedPixelDataFromFragments(ds, px, 0, (ds.intString('x00280008') ?? 1) === 1 ? (px.fragments?.length ?? 1) : 1);
    const attrs = {
      width: ds.uint16('x00280011'),
      height: ds.uint16('x00280010'),
      bitsAllocated: ds.uint16('x00280100'),
      bitsStored: ds.uint16('x00280101'),
      samplesPerPixel: ds.uint16('x00280002'),
      pixelRepresentation: ds.uint16('x00280103'),
      planarConfiguration: ds.uint16('x00280006') ?? 0,
      photometricInterpretation: ds.string('x00280004'),
    };
    const suffix = g.transferSyntax.split('.').pop() as string;
    const m = method[suffix] ?? 'decodeJpeg';
    const reps = (attrs.width ?? 0) * (attrs.height ?? 0) > 500_000 ? 5 : 15;
    const ours = timeIt(
      () =>
        NativeCodecs[m]?.(new Context({ ...attrs, encodedBuffer: frame }), { convertColorspaceToRgb: false })
          .getDecodedBuffer()
          .slice(),
      reps,
    );
    let alt: { label: string; run: () => Uint8Array | ArrayBuffer } | undefined;
    if (m === 'decodeJpegLs') alt = { label: '@cornerstonejs/codec-charls', run: cs(charls, 'JpegLSDecoder', frame) };
    else if (m === 'decodeJpeg2000') alt = { label: '@cornerstonejs/codec-openjpeg', run: cs(openjpeg, 'J2KDecoder', frame) };
    else if (suffix === '57' || suffix === '70')
      alt = {
        label: 'jpeg-lossless-decoder-js',
        run: () => {
          if (lossless === undefined) throw new Error('not installed');
          return new lossless.Decoder().decode(frame.slice().buffer, 0, frame.length);
        },
      };
    else if (m === 'decodeJpeg') alt = { label: '@cornerstonejs/codec-libjpeg-turbo-8bit', run: cs(turbo, 'JPEGDecoder', frame) };
    const other = alt === undefined ? undefined : timeIt(alt.run, reps);
    const same =
      other === undefined ? '' : other.error !== undefined ? `fails (${other.error.slice(0, 60)})` : sameBytes(ours.out, other.out) ? 'yes' : 'NO (differs)';
    console.log(
      `| ${name} | ${suffix === '5' ? 'RLE' : `4.${suffix}`} | ${attrs.width}×${attrs.height}×${attrs.samplesPerPixel} | ${ours.ms.toFixed(2)} | ${alt?.label ?? '— (none)'} | ${other === undefined || other.error !== undefined ? '—' : other.ms.toFixed(2)} | ${same} |`,
    );
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const n = Math.min(a.length, b.length);
  if (n === 0 || a.length !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A NIfTI-1 header + int16 voxels (x fastest), gzipped: the format's fixed 348-byte header, vox_offset 352. */
function niftiBytes(nx: number, ny: number, data: Int16Array): Buffer {
  const h = Buffer.alloc(352);
  h.writeInt32LE(348, 0);
  h.writeInt16LE(3, 40);
  [nx, ny, 1, 1, 1, 1, 1].forEach((d, k) => h.writeInt16LE(d, 42 + 2 * k));
  h.writeInt16LE(4, 70); // datatype int16
  h.writeInt16LE(16, 72); // bitpix
  [1, 1, 1, 1].forEach((p, k) => h.writeFloatLE(p, 76 + 4 * k)); // pixdim[0..3]
  h.writeFloatLE(352, 108); // vox_offset
  h.writeFloatLE(1, 112); // scl_slope
  h.write('n+1\0', 344, 'latin1');
  return gzipSync(Buffer.concat([h, Buffer.from(data.buffer)]));
}

function makeFiles(kind: 'png' | 'nifti', n: number, dir: string, ffmpeg: string): string[] {
  if (kind === 'png') {
    // One ffmpeg run writes n 64×64 frames of its moving test pattern as PNG files.
    execFileSync(ffmpeg, [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=64x64:rate=25',
      '-frames:v',
      String(n),
      '-pix_fmt',
      'gray',
      join(dir, '%06d.png'),
    ]);
    return readdirSync(dir).map((f) => join(dir, f));
  }
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const data = new Int16Array(64 * 64);
    for (let k = 0; k < data.length; k++) data[k] = ((k * 7 + i * 13) % 200) - 100 + (k % 64 > 32 ? 300 : 0);
    const p = join(dir, `${i}.nii.gz`);
    writeFileSync(p, niftiBytes(64, 64, data));
    out.push(p);
  }
  return out;
}

/** Child: one training epoch over n files; prints a JSON line with peak RSS and times. */
async function child(kind: 'png' | 'nifti', n: number, workers: number): Promise<void> {
  const { initBackend } = await import('../src/backend/index.js');
  const { resnet2d } = await import('../src/backbones/index.js');
  const { CoxPH } = await import('../src/models/index.js');
  const { imageDataset } = await import('../src/io/image-dataset.js');
  const ffmpeg = ((await import('@ffmpeg-installer/ffmpeg')) as unknown as { default: { path: string } }).default.path;
  await initBackend({ backend: 'wasm' });
  const dir = mkdtempSync(join(tmpdir(), `survkit-bench-${kind}-`));
  try {
    const t0 = performance.now();
    const files = makeFiles(kind, n, dir, ffmpeg);
    const makeMs = performance.now() - t0;
    const rows = files.map((path, i) => ({ path, time: 1 + ((i * 37) % 100), event: i % 3 === 0 ? 0 : 1 }));
    const ds = imageDataset(rows, {
      shape: [48, 48],
      batchSize: 32,
      training: true,
      intensity: 'zscore',
      augment: { flip: true, crop: 4, rotate: 10, jitter: { scale: 0.1, shift: 0.1 } },
      seed: 1,
      workers,
    });
    const model = new CoxPH({ backbone: resnet2d({ inputShape: [48, 48, 1], widths: [8, 16, 32], seed: 1 }), attach: { pool: 'avg' }, seed: 1 });
    let peak = 0;
    const rss: number[] = [];
    const timer = setInterval(() => {
      const r = process.memoryUsage().rss;
      peak = Math.max(peak, r);
      rss.push(r);
    }, 100);
    const t1 = performance.now();
    await model.fit(ds, { epochs: 1, learningRate: 0.01, seed: 1, verbose: false });
    const fitMs = performance.now() - t1;
    clearInterval(timer);
    await ds.close();
    const late = rss.slice(Math.floor(rss.length / 2));
    console.log(
      JSON.stringify({
        kind,
        n,
        workers,
        makeMs,
        fitMs,
        peakRssMiB: peak / 2 ** 20,
        medianRssSecondHalfMiB: median(late) / 2 ** 20,
        imagesPerS: n / (fitMs / 1000),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchMemory(sizes: number[], kinds: ('png' | 'nifti')[], workers: number): void {
  console.log('\n| files | n | workers | files made (s) | one epoch (s) | images/s | peak RSS (MiB) | median RSS, 2nd half of the epoch (MiB) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const kind of kinds) {
    for (const n of sizes) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', `${kind}:${n}:${workers}`], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) {
        console.log(`| ${kind} | ${n} | ${workers} | failed: ${r.stderr.slice(-300).replace(/\n/g, ' ')} |`);
        continue;
      }
      const j = JSON.parse(line) as { makeMs: number; fitMs: number; imagesPerS: number; peakRssMiB: number; medianRssSecondHalfMiB: number };
      console.log(
        `| ${kind} | ${n.toLocaleString('en-US')} | ${workers} | ${(j.makeMs / 1000).toFixed(1)} | ${(j.fitMs / 1000).toFixed(1)} | ${j.imagesPerS.toFixed(0)} | ${j.peakRssMiB.toFixed(0)} | ${j.medianRssSecondHalfMiB.toFixed(0)} |`,
      );
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'codecs,memory' },
      sizes: { type: 'string', default: '1000,10000' },
      kinds: { type: 'string', default: 'nifti,png' },
      workers: { type: 'string', default: '1' },
      child: { type: 'string' },
    },
  });
  if (values.child !== undefined) {
    const [kind, n, w] = values.child.split(':');
    await child(kind as 'png' | 'nifti', Number(n), Number(w));
  } else {
    const only = values.only.split(',');
    if (only.includes('codecs')) await benchCodecs();
    if (only.includes('memory')) benchMemory(values.sizes.split(',').map(Number), values.kinds.split(',') as ('png' | 'nifti')[], Number(values.workers));
  }
}
