/**
 * ONNX models (any PyTorch or TensorFlow network exported to ONNX) as
 * frozen feature extractors, run by the optional package onnxruntime-node
 * (loaded on first use only; it uses several cores, which TF.js' wasm
 * backend in Node does not).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';

/** The parts of onnxruntime-node survkit uses (kept local so that survkit builds without the optional package). */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly { name: string; isTensor: boolean; shape?: readonly (number | string)[] }[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
export interface OrtModule {
  InferenceSession: { create(buffer: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}

/** The optional package, named through a variable so that survkit type-checks and builds without it. */
const ORT_PACKAGE: string = 'onnxruntime-node';

/** Imports onnxruntime-node, or throws `onnxMissing` naming the file that needed it. `importer` is for tests. */
export async function importOnnxRuntime(fn: string, file: string, importer: () => Promise<unknown> = () => import(ORT_PACKAGE)): Promise<OrtModule> {
  try {
    const m = (await importer()) as OrtModule & { default?: OrtModule };
    return m.InferenceSession === undefined && m.default !== undefined ? m.default : m;
  } catch {
    throw survkitError('onnxMissing', fn, file);
  }
}

/** Options of {@link loadOnnxBackbone}. */
export interface OnnxBackboneOptions {
  /**
   * The model takes channels-first input (`[b, c, h, w]` / `[b, c, t, h, w]`, PyTorch's layout; default true).
   * survkit's batches are channels last and are transposed; outputs are transposed back to channels last.
   */
  channelsFirst?: boolean;
  /** onnxruntime's intra-op threads (default: onnxruntime's choice, all cores). */
  threads?: number;
  /** Input name (default: the model's first input). */
  input?: string;
  /** Output name (default: the model's first output). */
  output?: string;
}

/** Moves axis 1 to the end (channels first → last) or the last axis to 1 (`toFirst`). */
export function moveChannels(data: Float32Array, shape: readonly number[], toFirst: boolean): Float32Array {
  const b = shape[0] as number;
  const c = (toFirst ? shape[shape.length - 1] : shape[1]) as number;
  const s = data.length / (b * c);
  const out = new Float32Array(data.length);
  for (let i = 0; i < b; i++) {
    const base = i * s * c;
    for (let k = 0; k < c; k++)
      for (let j = 0; j < s; j++) {
        if (toFirst) out[base + k * s + j] = data[base + j * c + k] as number;
        else out[base + j * c + k] = data[base + k * s + j] as number;
      }
  }
  return out;
}

/**
 * An ONNX network as a frozen feature extractor ({@link loadOnnxBackbone}).
 * `run` takes a channels-last batch and returns the output, channels last.
 */
export class OnnxBackbone {
  readonly kind = 'onnx';
  /** @internal Use {@link loadOnnxBackbone}. */
  constructor(
    /** The file it was read from. */
    readonly file: string,
    private readonly session: OrtSession,
    private readonly ort: OrtModule,
    readonly inputName: string,
    readonly outputName: string,
    /** The declared input shape in the model's layout (strings for symbolic dimensions), or undefined when not declared. */
    readonly inputShape: readonly (number | string)[] | undefined,
    readonly channelsFirst: boolean,
    /** SHA-256 of the file: the cache key of extracted features. */
    readonly fingerprint: string,
  ) {}

  /**
   * Runs a channels-last batch `[b, …, c]` and returns the output (channels last, float32).
   *
   * @throws {SurvkitError} `onnxInputShape` naming the file when the batch does not fit the declared input shape
   */
  async run(data: Float32Array, shape: readonly number[]): Promise<{ data: Float32Array; shape: number[] }> {
    const fn = 'OnnxBackbone.run';
    const n = shape.reduce((a, s) => a * s, 1);
    if (data.length !== n) throw survkitError('featureSource', fn, 'data', `${n} values for shape [${shape.join(', ')}]`, `${data.length}`);
    const modelShape = this.channelsFirst ? [shape[0] as number, shape[shape.length - 1] as number, ...shape.slice(1, -1)] : [...shape];
    const declared = this.inputShape;
    if (declared !== undefined && declared.length > 0) {
      const ok = declared.length === modelShape.length && declared.every((d, i) => typeof d !== 'number' || d < 0 || d === modelShape[i]);
      if (!ok)
        throw survkitError(
          'onnxInputShape',
          fn,
          this.file,
          this.inputName,
          `[${declared.map((d) => (typeof d === 'number' && d >= 0 ? String(d) : 'batch')).join(', ')}]${this.channelsFirst ? ' (channels first)' : ''}`,
          `[${modelShape.join(', ')}]${this.channelsFirst ? ` (channels first, from the channels-last batch [${shape.join(', ')}])` : ''}`,
        );
    }
    const x = this.channelsFirst ? moveChannels(data, shape, true) : data;
    let out: Record<string, OrtTensor>;
    try {
      out = await this.session.run({ [this.inputName]: new this.ort.Tensor('float32', x, modelShape) });
    } catch (err) {
      throw survkitError('onnxFile', fn, this.file, `failed on a batch of shape [${modelShape.join(', ')}]: ${(err as Error).message.split('\n')[0]}`);
    }
    const y = out[this.outputName] as OrtTensor;
    const dims = [...y.dims].map(Number);
    const values = y.data instanceof Float32Array ? y.data : Float32Array.from(y.data as ArrayLike<number>);
    if (!this.channelsFirst || dims.length <= 2) return { data: values, shape: dims };
    return { data: moveChannels(values, dims, false), shape: [dims[0] as number, ...dims.slice(2), dims[1] as number] };
  }

  /** Frees onnxruntime's session. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Reads an ONNX model as a frozen feature extractor. Any network exported
 * with `torch.onnx.export` or tf2onnx works; survkit feeds channels-last
 * batches and transposes them for channels-first models (PyTorch's, the
 * default). Put a head on its features with {@link extractFeatures} (cached)
 * and any survkit model on the feature vectors.
 *
 * @example
 * const backbone = await loadOnnxBackbone('resnet18.onnx', { threads: 2 });
 * const { data, shape } = await backbone.run(images, [8, 224, 224, 3]); // [8, 7, 7, 512] for torchvision's trunk
 * @throws {SurvkitError} `onnxMissing` when onnxruntime-node is not installed, `onnxFile` naming the file when it is
 *   missing or not an ONNX model, or an unknown input/output name
 */
export async function loadOnnxBackbone(path: string, opts: OnnxBackboneOptions = {}): Promise<OnnxBackbone> {
  const fn = 'loadOnnxBackbone';
  if (typeof path !== 'string' || path === '') throw survkitError('filePath', fn, 'path', 'an .onnx file', path);
  const channelsFirst = opts.channelsFirst ?? true;
  if (typeof channelsFirst !== 'boolean') throw survkitError('optionRange', fn, 'channelsFirst', 'true or false', channelsFirst);
  const threads = opts.threads === undefined ? undefined : assertNumberOption(fn, 'threads', opts.threads, { min: 1, integer: true });
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw survkitError('onnxFile', fn, path, `cannot be read (${(err as Error).message})`);
  }
  const ort = await importOnnxRuntime(fn, path);
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      interOpNumThreads: 1,
      ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    });
  } catch (err) {
    throw survkitError('onnxFile', fn, path, `is not an ONNX model onnxruntime can run (${(err as Error).message.split('\n')[0]})`);
  }
  const input = opts.input ?? session.inputNames[0];
  const output = opts.output ?? session.outputNames[0];
  if (input === undefined || !session.inputNames.includes(input))
    throw survkitError('onnxFile', fn, path, `has no input ${JSON.stringify(input)}; its inputs: ${session.inputNames.join(', ')}`);
  if (output === undefined || !session.outputNames.includes(output))
    throw survkitError('onnxFile', fn, path, `has no output ${JSON.stringify(output)}; its outputs: ${session.outputNames.join(', ')}`);
  const meta = session.inputMetadata?.find((m) => m.name === input);
  const fingerprint = createHash('sha256').update(bytes).digest('hex');
  return new OnnxBackbone(path, session, ort, input, output, meta?.isTensor ? meta.shape : undefined, channelsFirst, fingerprint);
}
