/**
 * PyTorch state dicts (safetensors) into survkit's torchvision-named
 * networks: key mapping, layout permutations and one error that names every
 * missing, unexpected or wrongly shaped key.
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { resnet2d } from './resnet2d.js';
import { readSafetensors, type SafetensorsFile, type SafeTensor } from './safetensors.js';
import { mc3, r2plus1d, r3d } from './video.js';
import { resnet3d } from './resnet3d.js';

/** The volumetric ResNets of MONAI / MedicalNet (`monai.networks.nets.resnet10` … `resnet200`, spatial_dims=3). */
export type Resnet3dArch = 'resnet3d_10' | 'resnet3d_18' | 'resnet3d_34' | 'resnet3d_50' | 'resnet3d_101' | 'resnet3d_152' | 'resnet3d_200';

/** The architectures survkit loads PyTorch weights into: torchvision's and MONAI / MedicalNet's 3D ResNets. */
export type TorchArch = 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101' | 'resnet152' | 'r3d_18' | 'mc3_18' | 'r2plus1d_18' | Resnet3dArch;

export const TORCH_ARCHS: readonly TorchArch[] = [
  'resnet18',
  'resnet34',
  'resnet50',
  'resnet101',
  'resnet152',
  'r3d_18',
  'mc3_18',
  'r2plus1d_18',
  'resnet3d_10',
  'resnet3d_18',
  'resnet3d_34',
  'resnet3d_50',
  'resnet3d_101',
  'resnet3d_152',
  'resnet3d_200',
];

/** MONAI's `resnet_params`: block kind and blocks per stage of each volumetric ResNet. */
const RESNETS3D: Record<Resnet3dArch, { block: 'basic' | 'bottleneck'; blocks: number[] }> = {
  resnet3d_10: { block: 'basic', blocks: [1, 1, 1, 1] },
  resnet3d_18: { block: 'basic', blocks: [2, 2, 2, 2] },
  resnet3d_34: { block: 'basic', blocks: [3, 4, 6, 3] },
  resnet3d_50: { block: 'bottleneck', blocks: [3, 4, 6, 3] },
  resnet3d_101: { block: 'bottleneck', blocks: [3, 4, 23, 3] },
  resnet3d_152: { block: 'bottleneck', blocks: [3, 8, 36, 3] },
  resnet3d_200: { block: 'bottleneck', blocks: [3, 24, 36, 3] },
};

const isResnet3d = (arch: TorchArch): arch is Resnet3dArch => arch.startsWith('resnet3d_');

/**
 * The state dict with MedicalNet's DataParallel prefix `module.` removed (when every key has it) and whether the file
 * looks like a MedicalNet checkpoint (the prefix, or its segmentation head `conv_seg.*`).
 */
export function torchStateDict(tensors: Map<string, SafeTensor>): { tensors: Map<string, SafeTensor>; medicalNet: boolean } {
  const keys = [...tensors.keys()];
  const prefixed = keys.length > 0 && keys.every((k) => k.startsWith('module.'));
  const out = prefixed ? new Map([...tensors].map(([k, v]) => [k.slice('module.'.length), v] as const)) : tensors;
  return { tensors: out, medicalNet: prefixed || [...out.keys()].some((k) => k.startsWith('conv_seg.')) };
}

const RESNETS: Record<string, { block: 'basic' | 'bottleneck'; blocks: number[] }> = {
  resnet18: { block: 'basic', blocks: [2, 2, 2, 2] },
  resnet34: { block: 'basic', blocks: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', blocks: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', blocks: [3, 4, 23, 3] },
  resnet152: { block: 'bottleneck', blocks: [3, 8, 36, 3] },
};

/** Options of {@link loadTorchWeights}. */
export interface TorchWeightsOptions {
  /** The architecture the weights were saved from; a file made for another one is an error naming the one it holds. */
  arch: TorchArch;
}

/** What {@link loadTorchWeights} did. */
export interface TorchWeightsResult {
  arch: TorchArch;
  /** State-dict keys copied into the network. */
  loaded: number;
  /** Keys not used: the classifier (`fc.*`), MedicalNet's segmentation head (`conv_seg.*`) and batch-norm `num_batches_tracked` counters. */
  skipped: string[];
}

/** Blocks per stage as the state dict's keys show them (`layer{i}.{j}.…`). */
function blocksOf(keys: Iterable<string>): number[] {
  const counts = [0, 0, 0, 0];
  for (const k of keys) {
    const m = /^layer([1-4])\.(\d+)\./.exec(k);
    if (m !== null) counts[Number(m[1]) - 1] = Math.max(counts[Number(m[1]) - 1] as number, Number(m[2]) + 1);
  }
  return counts;
}

/** The architecture a state dict was saved from, with the evidence in words; undefined when it is none survkit knows. */
export function guessTorchArch(file: Map<string, SafeTensor>): { arch: TorchArch; evidence: string } | undefined {
  const tensors = torchStateDict(file).tensors;
  const blocks = blocksOf(tensors.keys());
  const b = blocks.join('/');
  if (tensors.has('stem.0.weight')) {
    if (blocks.join() !== '2,2,2,2') return undefined;
    if (tensors.has('layer1.0.conv1.0.0.weight'))
      return { arch: 'r2plus1d_18', evidence: `stem.0.weight and factorised (2+1)D blocks layer1.0.conv1.0.0/3, ${b} blocks` };
    const k = tensors.get('layer2.0.conv1.0.weight')?.shape;
    if (k === undefined || k.length !== 5) return undefined;
    const kernel = k.slice(2).join('×');
    return k[2] === 1
      ? { arch: 'mc3_18', evidence: `stem.0.weight, layer2.0.conv1.0.weight kernel ${kernel} (no temporal extent after stage 1), ${b} blocks` }
      : { arch: 'r3d_18', evidence: `stem.0.weight, layer2.0.conv1.0.weight kernel ${kernel}, ${b} blocks` };
  }
  if (tensors.has('conv1.weight') && tensors.get('conv1.weight')?.shape.length === 5) {
    const block = tensors.has('layer1.0.conv3.weight') ? 'bottleneck' : 'basic';
    for (const [arch, spec] of Object.entries(RESNETS3D))
      if (spec.block === block && spec.blocks.join() === blocks.join())
        return {
          arch: arch as TorchArch,
          evidence: `a 5-D conv1.weight (3D convolutions), ${block === 'bottleneck' ? 'bottleneck blocks (layer1.0.conv3.weight)' : 'basic blocks'}, ${b} blocks per stage`,
        };
    return undefined;
  }
  if (tensors.has('conv1.weight') && tensors.get('conv1.weight')?.shape.length === 4) {
    const block = tensors.has('layer1.0.conv3.weight') ? 'bottleneck' : 'basic';
    for (const [arch, spec] of Object.entries(RESNETS))
      if (spec.block === block && spec.blocks.join() === blocks.join())
        return {
          arch: arch as TorchArch,
          evidence: `${block === 'bottleneck' ? 'Bottleneck blocks (layer1.0.conv3.weight)' : 'BasicBlocks'}, ${b} blocks per stage`,
        };
  }
  return undefined;
}

/** Converts PyTorch's layout to TF.js': Conv OI(spatial) → (spatial)IO, Linear [out, in] → [in, out]; others as they are. */
function toTfLayout(values: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length < 2) return values;
  const [O, I] = shape as [number, number];
  const S = shape.slice(2).reduce((a, s) => a * s, 1);
  const out = new Float32Array(values.length);
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++) {
      const src = (o * I + i) * S;
      for (let s = 0; s < S; s++) out[(s * I + i) * O + o] = values[src + s] as number;
    }
  return out;
}

/** PyTorch's shape of a TF.js weight of shape `tfShape`. */
function torchShape(tfShape: readonly number[]): number[] {
  if (tfShape.length < 2) return [...tfShape];
  const out = tfShape[tfShape.length - 1] as number;
  const inC = tfShape[tfShape.length - 2] as number;
  return [out, inC, ...tfShape.slice(0, -2)];
}

const PARAM: Record<string, string> = {
  kernel: 'weight',
  bias: 'bias',
  gamma: 'weight',
  beta: 'bias',
  moving_mean: 'running_mean',
  moving_variance: 'running_var',
};

/** Expected state-dict key → [layer, weight index, TF shape] for the weighted layers of `model` named `${model.name}_…`. */
function expectedKeys(model: tf.LayersModel): Map<string, { layer: tf.layers.Layer; index: number; tfShape: number[] }> {
  const out = new Map<string, { layer: tf.layers.Layer; index: number; tfShape: number[] }>();
  const prefix = `${model.name}_`;
  for (const layer of model.layers) {
    if (layer.weights.length === 0 || !layer.name.startsWith(prefix)) continue;
    const module = layer.name.slice(prefix.length).replace(/_/g, '.');
    layer.weights.forEach((w, index) => {
      const base = w.originalName.split('/').pop() as string;
      const param = PARAM[base] ?? base;
      out.set(`${module}.${param}`, { layer, index, tfShape: [...w.shape] as number[] });
    });
  }
  return out;
}

/**
 * Loads a PyTorch state dict saved as safetensors (torchvision's key names:
 * `conv1.weight`, `layer2.0.downsample.1.running_var`, …) into a survkit
 * network built with the same architecture ({@link resnet2d} for resnet18 …
 * resnet152 with `stem: 'conv7'`; {@link r3d}, {@link mc3}, {@link r2plus1d}
 * with `stem: 'conv7'` for the `*_18` video networks; any widths).
 * Convolution weights are permuted from `[out, in, (t,) h, w]` to
 * `[(t,) h, w, in, out]`, linear weights transposed, batch-norm
 * `weight, bias, running_mean, running_var` become `gamma, beta,
 * moving_mean, moving_variance`; F32, F16 and BF16 files load (as float32).
 * The classifier (`fc.*`) and `num_batches_tracked` are skipped.
 *
 * Inputs are then channels last: `[b, h, w, 3]` (or `[b, t, h, w, 3]`) with
 * the normalisation the weights were trained with (ImageNet: mean
 * 0.485/0.456/0.406, std 0.229/0.224/0.225; Kinetics: see docs/backbones.md).
 *
 * @example
 * const net = resnet2d({ inputShape: [224, 224, 3], widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7' });
 * await loadTorchWeights(net, 'resnet18.safetensors', { arch: 'resnet18' });
 * @throws {SurvkitError} `torchWeightArch` for a file of another architecture (naming the one it holds);
 *   `torchWeightKeys` listing every missing, unexpected and wrongly shaped key; `safetensorsFile` for an unreadable file
 */
export async function loadTorchWeights(
  model: tf.LayersModel,
  file: string | Uint8Array | SafetensorsFile,
  opts: TorchWeightsOptions,
): Promise<TorchWeightsResult> {
  const fn = 'loadTorchWeights';
  if (!(model instanceof tf.LayersModel)) throw survkitError('notInstance', fn, 'model', 'tf.LayersModel', model);
  const arch = assertChoice(fn, 'arch', opts?.arch, TORCH_ARCHS);
  const st = typeof file === 'object' && 'tensors' in file && !(file instanceof Uint8Array) ? file : await readSafetensors(file);
  const tensors = torchStateDict(st.tensors).tensors;
  const found = guessTorchArch(st.tensors);
  if (found !== undefined && found.arch !== arch) throw survkitError('torchWeightArch', fn, st.file, found.arch, arch, found.evidence);
  const expected = expectedKeys(model);
  const missing: string[] = [];
  const shapes: string[] = [];
  const unexpected: string[] = [];
  const skipped: string[] = [];
  for (const [key, e] of expected) {
    const t = tensors.get(key);
    if (t === undefined) missing.push(`missing: ${key} (layer ${e.layer.name}, shape [${torchShape(e.tfShape).join(', ')}])`);
    else if (t.shape.join() !== torchShape(e.tfShape).join())
      shapes.push(`wrong shape: ${key} is [${t.shape.join(', ')}] in the file, the network's ${e.layer.name} needs [${torchShape(e.tfShape).join(', ')}]`);
  }
  for (const key of tensors.keys()) {
    if (expected.has(key)) continue;
    if (key.startsWith('fc.') || key.startsWith('conv_seg.') || key.endsWith('.num_batches_tracked')) skipped.push(key);
    else unexpected.push(`unexpected: ${key} (no layer ${model.name}_${key.split('.').slice(0, -1).join('_')} with that weight)`);
  }
  const problems = [...missing, ...unexpected, ...shapes];
  if (problems.length > 0) throw survkitError('torchWeightKeys', fn, st.file, arch, problems.length, problems);
  const byLayer = new Map<tf.layers.Layer, tf.Tensor[]>();
  tf.tidy(() => {
    for (const [key, e] of expected) {
      const t = tensors.get(key) as SafeTensor;
      const values = toTfLayout(t.toFloat32(), t.shape);
      const list = byLayer.get(e.layer) ?? e.layer.weights.map(() => tf.scalar(0));
      list[e.index] = tf.keep(tf.tensor(values, e.tfShape, 'float32'));
      byLayer.set(e.layer, list);
    }
  });
  for (const [layer, ws] of byLayer) {
    layer.setWeights(ws);
    tf.dispose(ws);
  }
  return { arch, loaded: expected.size, skipped };
}

/** Options of {@link torchBackbone}. */
export interface TorchBackboneOptions {
  /** The architecture (default: the one the file's keys show). */
  arch?: TorchArch;
  /** `[h, w, c]` for the 2D ResNets, `[t, h, w, c]` for the video networks and `[d, h, w, c]` for resnet3d (channels last). */
  inputShape: readonly number[];
  /** Model name and layer prefix (default resnet2d / r3d / mc3 / r2plus1d / resnet3d). */
  name?: string;
  /**
   * resnet3d only: the stem stride (MONAI's `conv1_t_stride`), which a state dict does not record. Default: 2 for a
   * MedicalNet checkpoint (keys prefixed `module.` or a `conv_seg` head), else 1 (MONAI's default).
   */
  conv1Stride?: number | readonly [number, number, number];
  /** resnet3d only: no max pool after the stem (MONAI's `no_max_pool`, default false). */
  noMaxPool?: boolean;
}

/** What the state dict says about a resnet3d beyond its widths: block, shortcut type, bias, stem kernel, input channels. */
function resnet3dLayout(
  fn: string,
  file: string,
  tensors: Map<string, SafeTensor>,
): { shortcut: 'A' | 'B'; bias: boolean; kernel: [number, number, number]; inC: number } {
  const w = tensors.get('conv1.weight');
  if (w === undefined || w.shape.length !== 5) throw survkitError('torchWeightShape', fn, file, 'has no 5-D conv1.weight to read the stem from');
  const shortcut = tensors.has('layer2.0.downsample.0.weight') ? 'B' : 'A';
  return { shortcut, bias: tensors.has('layer2.0.downsample.0.bias'), kernel: w.shape.slice(2) as [number, number, number], inC: w.shape[1] as number };
}

/** The input channels the state dict's first convolution takes (3 for torchvision's networks, often 1 for MONAI / MedicalNet). */
export function torchInputChannels(st: SafetensorsFile): number | undefined {
  const { tensors } = torchStateDict(st.tensors);
  const w = tensors.get('conv1.weight') ?? tensors.get('stem.0.weight');
  return w === undefined || w.shape.length < 4 ? undefined : w.shape[1];
}

/**
 * Builds the survkit network a PyTorch state dict (safetensors) was saved
 * from — architecture from `arch` or the keys, stage widths from the weight
 * shapes (torchvision's 64…512 or any other; for resnet3d also the shortcut
 * type, the shortcut bias, the stem kernel and the input channels) — and
 * loads the weights with {@link loadTorchWeights}. MedicalNet checkpoints
 * (keys `module.conv1.weight`, …) and MONAI's (`conv1.weight`, …) both load
 * into {@link resnet3d}.
 *
 * @example
 * const net = await torchBackbone('resnet18.safetensors', { arch: 'resnet18', inputShape: [224, 224, 3] });
 * const med = await torchBackbone('resnet_10_23dataset.safetensors', { arch: 'resnet3d_10', inputShape: [56, 112, 112, 1] });
 * @throws {SurvkitError} as {@link loadTorchWeights}, and `torchWeightUnknown` when no `arch` is given and the keys show no known architecture
 */
export async function torchBackbone(file: string | Uint8Array | SafetensorsFile, opts: TorchBackboneOptions): Promise<tf.LayersModel> {
  const fn = 'torchBackbone';
  const st = typeof file === 'object' && 'tensors' in file && !(file instanceof Uint8Array) ? file : await readSafetensors(file);
  const { tensors, medicalNet } = torchStateDict(st.tensors);
  const found = guessTorchArch(st.tensors);
  const arch = opts.arch === undefined ? found?.arch : assertChoice(fn, 'arch', opts.arch, TORCH_ARCHS);
  if (arch === undefined) throw survkitError('torchWeightUnknown', fn, st.file, TORCH_ARCHS);
  if (found !== undefined && found.arch !== arch) throw survkitError('torchWeightArch', fn, st.file, found.arch, arch, found.evidence);
  const video = !arch.startsWith('resnet');
  const width = (i: number): number => {
    const key = video ? `layer${i}.0.conv1.1.weight` : `layer${i}.0.bn1.weight`;
    const t = tensors.get(key);
    if (t === undefined || t.shape.length !== 1) throw survkitError('torchWeightShape', fn, st.file, `has no 1-D ${key} to read stage ${i}'s width from`);
    return t.shape[0] as number;
  };
  const widths = [1, 2, 3, 4].map(width);
  const name = opts.name ? { name: opts.name } : {};
  let net: tf.LayersModel;
  if (isResnet3d(arch)) {
    const spec = RESNETS3D[arch];
    const l = resnet3dLayout(fn, st.file, tensors);
    const shape = opts.inputShape as [number, number, number, number];
    if (shape.length === 4 && shape[3] !== l.inC)
      throw survkitError(
        'torchWeightShape',
        fn,
        st.file,
        `takes ${l.inC}-channel volumes (conv1.weight ${JSON.stringify(tensors.get('conv1.weight')?.shape)}), but inputShape [${shape.join(', ')}] has ${shape[3]} channels`,
      );
    net = resnet3d({
      inputShape: shape,
      widths,
      blocksPerStage: spec.blocks,
      block: spec.block,
      shortcut: l.shortcut,
      downsampleBias: l.bias,
      conv1Size: l.kernel,
      conv1Stride: opts.conv1Stride ?? (medicalNet ? 2 : 1),
      noMaxPool: opts.noMaxPool ?? false,
      ...name,
    });
  } else if (!video) {
    const spec = RESNETS[arch] as { block: 'basic' | 'bottleneck'; blocks: number[] };
    const shape = opts.inputShape as [number, number, number];
    net = resnet2d({ inputShape: shape, widths, blocksPerStage: spec.blocks, stem: 'conv7', block: spec.block, ...name });
  } else {
    const build = arch === 'r3d_18' ? r3d : arch === 'mc3_18' ? mc3 : r2plus1d;
    const shape = opts.inputShape as [number, number, number, number];
    net = build({ inputShape: shape, widths, blocksPerStage: 2, stem: 'conv7', ...name });
  }
  try {
    await loadTorchWeights(net, st, { arch });
  } catch (err) {
    net.dispose();
    throw err;
  }
  return net;
}
