/**
 * Volumetric ResNets as MONAI defines them (`monai.networks.nets.ResNet` with
 * `spatial_dims=3`), which is also the network of MedicalNet's (Tencent Med3D)
 * pretrained 3D ResNet-10/18/34/50/… weights: a `conv1_t_size`³ stem with
 * stride `conv1_t_stride`, batch norm, ReLU, 3×3×3 max pool (stride 2), four
 * stages of basic or bottleneck blocks (the stride on the first 3×3×3
 * convolution of stages 2–4) and shortcut type A (subsample + zero channels)
 * or B (1×1×1 convolution + batch norm). Layer names follow MONAI's module
 * names with '.' → '_', so that {@link loadTorchWeights} maps state-dict keys.
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice, assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { ChannelPadShortcut } from './channel-pad-shortcut.js';
import { apply, inputShapeOf, kaimingFanOut, resNetPlan, SeedStream, type ResNetCommonOptions, type ResNetPlan } from './resnet-options.js';
import { norm5d, relu, zeroPad3d, type Triple } from './video-blocks.js';

/** Options of {@link resnet3d}. */
export interface ResNet3dOptions extends ResNetCommonOptions {
  /** `[depth, height, width, channels]` of the volumes (channels last; MedicalNet: 1 channel). */
  inputShape: readonly [number, number, number, number];
  /** 'basic' (default; ResNet-10/18/34) or 'bottleneck' (ResNet-50 and deeper; output 4 × the last width). */
  block?: 'basic' | 'bottleneck';
  /** 'B' (default, as MONAI): 1×1×1 convolution + batch norm; 'A': subsampling and zero channels, no parameters. */
  shortcut?: 'A' | 'B';
  /** Shortcut-B convolutions have a bias (MONAI's `bias_downsample`, default true; MedicalNet's files: false). */
  downsampleBias?: boolean;
  /** Stem kernel `conv1_t_size`: one size for all three axes or [d, h, w] (default 7); padding ⌊k/2⌋. */
  conv1Size?: number | readonly [number, number, number];
  /** Stem stride `conv1_t_stride` (default 1 as MONAI's ResNet; MedicalNet and MONAI's ResNetFeatures: 2). */
  conv1Stride?: number | readonly [number, number, number];
  /** Leave out the max pool after the stem (MONAI's `no_max_pool`, default false). */
  noMaxPool?: boolean;
}

function triple(fn: string, arg: string, v: unknown, dflt: number): Triple {
  const t = Array.isArray(v) ? (v as unknown[]) : [v ?? dflt, v ?? dflt, v ?? dflt];
  if (t.length !== 3) throw survkitError('optionRange', fn, arg, 'a positive integer or three of them', v);
  return t.map((k) => assertNumberOption(fn, arg, k, { min: 1, integer: true })) as Triple;
}

/** Conv3d with PyTorch's padding ⌊k/2⌋ per axis (explicit zero padding, then 'valid'); a bias only when asked. */
function conv(
  seeds: SeedStream,
  x: tf.SymbolicTensor,
  filters: number,
  kernel: Triple,
  stride: number | Triple,
  bias: boolean,
  name: string,
): tf.SymbolicTensor {
  const strides = typeof stride === 'number' ? [stride, stride, stride] : stride;
  const pad = kernel.map((k) => Math.floor(k / 2)) as Triple;
  let h = x;
  if (pad.some((p) => p > 0)) h = zeroPad3d(h, pad, `${name}_pad`);
  return apply(
    tf.layers.conv3d({
      filters,
      kernelSize: kernel,
      strides,
      padding: 'valid',
      useBias: bias,
      kernelInitializer: kaimingFanOut(kernel, filters, seeds.next()),
      name,
    }),
    h,
  );
}

interface Ctx3 {
  plan: ResNetPlan;
  seeds: SeedStream;
  shortcut: 'A' | 'B';
  downsampleBias: boolean;
}

function shortcutOf(c: Ctx3, x: tf.SymbolicTensor, inC: number, outC: number, stride: number, p: string): tf.SymbolicTensor {
  if (stride === 1 && inC === outC) return x;
  if (c.shortcut === 'A') return apply(new ChannelPadShortcut({ stride, channels: outC, name: `${p}_downsample` }), x);
  const h = conv(c.seeds, x, outC, [1, 1, 1], stride, c.downsampleBias || c.plan.norm === 'none', `${p}_downsample_0`);
  return norm5d({ plan: c.plan, seeds: c.seeds }, h, `${p}_downsample_1`);
}

/** MONAI's ResNetBlock: conv1 (stride) → bn1 → ReLU → conv2 → bn2, + shortcut, ReLU. */
function basic(c: Ctx3, x: tf.SymbolicTensor, inC: number, planes: number, stride: number, p: string): tf.SymbolicTensor {
  const ctx = { plan: c.plan, seeds: c.seeds };
  const b = c.plan.norm === 'none';
  let h = relu(norm5d(ctx, conv(c.seeds, x, planes, [3, 3, 3], stride, b, `${p}_conv1`), `${p}_bn1`), `${p}_relu1`);
  h = norm5d(ctx, conv(c.seeds, h, planes, [3, 3, 3], 1, b, `${p}_conv2`), `${p}_bn2`);
  h = apply(tf.layers.add({ name: `${p}_add` }), [h, shortcutOf(c, x, inC, planes, stride, p)]);
  return relu(h, `${p}_out`);
}

/** MONAI's ResNetBottleneck: 1×1×1 → 3×3×3 (stride) → 1×1×1 to 4·planes, + shortcut, ReLU. */
function bottleneck(c: Ctx3, x: tf.SymbolicTensor, inC: number, planes: number, stride: number, p: string): tf.SymbolicTensor {
  const ctx = { plan: c.plan, seeds: c.seeds };
  const b = c.plan.norm === 'none';
  let h = relu(norm5d(ctx, conv(c.seeds, x, planes, [1, 1, 1], 1, b, `${p}_conv1`), `${p}_bn1`), `${p}_relu1`);
  h = relu(norm5d(ctx, conv(c.seeds, h, planes, [3, 3, 3], stride, b, `${p}_conv2`), `${p}_bn2`), `${p}_relu2`);
  h = norm5d(ctx, conv(c.seeds, h, 4 * planes, [1, 1, 1], 1, b, `${p}_conv3`), `${p}_bn3`);
  h = apply(tf.layers.add({ name: `${p}_add` }), [h, shortcutOf(c, x, inC, 4 * planes, stride, p)]);
  return relu(h, `${p}_out`);
}

/**
 * A volumetric ResNet (MONAI `ResNet(spatial_dims=3)`, MedicalNet's `resnet10` … `resnet200`) for
 * `[depth, height, width, channels]` volumes; output the map after the last stage `[b, d', h', w', C]`
 * (C = the last width, × 4 for bottleneck blocks). MONAI's `resnet18(spatial_dims=3, n_input_channels=1,
 * shortcut_type='A')` is `resnet3d({ inputShape: [d, h, w, 1], widths: [64, 128, 256, 512], blocksPerStage: 2,
 * shortcut: 'A' })`; ResNet-10: `blocksPerStage: 1`, 34: `[3, 4, 6, 3]`, 50: `[3, 4, 6, 3]` with `block: 'bottleneck'`.
 * {@link torchBackbone} builds it from a MONAI or MedicalNet state dict (safetensors).
 *
 * @example
 * const net = resnet3d({ inputShape: [16, 32, 32, 1], widths: [4, 8, 12, 16], conv1Stride: 2, seed: 1 });
 * net.outputs[0].shape; // [null, 1, 1, 1, 16]
 * @throws {SurvkitError} for an input shape that is not 4 positive integers, widths other than four stages, bad
 *   blocks, block, shortcut, stem size or stride
 * @see He et al. (2016) CVPR; Hara, Kataoka & Satoh (2018) CVPR; Chen, Ma & Zheng (2019) Med3D, arXiv:1904.00625;
 *   MONAI `monai/networks/nets/resnet.py`.
 */
export function resnet3d(opts: ResNet3dOptions): tf.LayersModel {
  const fn = 'resnet3d';
  const shape = inputShapeOf(fn, opts.inputShape, 4, '[depth, height, width, channels]');
  const plan = resNetPlan(fn, opts, [8, 16, 32, 64], 'resnet3d');
  if (plan.widths.length !== 4) throw survkitError('optionRange', fn, 'widths', 'four stage widths (MONAI layer1 … layer4)', plan.widths);
  const isBottleneck = assertChoice(fn, 'block', opts.block ?? 'basic', ['basic', 'bottleneck'] as const) === 'bottleneck';
  const shortcut = assertChoice(fn, 'shortcut', opts.shortcut ?? 'B', ['A', 'B'] as const);
  const k = triple(fn, 'conv1Size', opts.conv1Size, 7);
  const s = triple(fn, 'conv1Stride', opts.conv1Stride, 1);
  const c: Ctx3 = { plan, seeds: new SeedStream(plan.seed), shortcut, downsampleBias: opts.downsampleBias ?? true };
  const p = plan.name;
  const input = tf.input({ shape, name: opts.inputName ?? 'volume' });
  const w0 = plan.widths[0] as number;
  let h = conv(c.seeds, input, w0, k, s, plan.norm === 'none', `${p}_conv1`);
  h = relu(norm5d({ plan, seeds: c.seeds }, h, `${p}_bn1`), `${p}_act`);
  if (opts.noMaxPool !== true) {
    // After a ReLU the values are >= 0, so zero padding = PyTorch's -inf padding of MaxPool3d(3, 2, padding=1).
    h = zeroPad3d(h, [1, 1, 1], `${p}_maxpool_pad`);
    h = apply(tf.layers.maxPooling3d({ poolSize: 3, strides: 2, padding: 'valid', name: `${p}_maxpool` }), h);
  }
  let channels = w0;
  plan.widths.forEach((planes, i) => {
    for (let j = 0; j < (plan.blocks[i] as number); j++) {
      const stride = i > 0 && j === 0 ? 2 : 1;
      const name = `${p}_layer${i + 1}_${j}`;
      h = isBottleneck ? bottleneck(c, h, channels, planes, stride, name) : basic(c, h, channels, planes, stride, name);
      channels = isBottleneck ? 4 * planes : planes;
    }
  });
  return tf.model({ inputs: input, outputs: h, name: p });
}
