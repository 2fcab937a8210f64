/**
 * Building blocks of survkit's video ResNets, following torchvision's
 * `models/video/resnet.py` (layer for layer, names with '.' → '_').
 */
import * as tf from '@tensorflow/tfjs';
import { apply, kaimingFanOut, type ResNetPlan, type SeedStream } from './resnet-options.js';
import { ZeroPadding3D } from './zero-padding3d.js';

export type Triple = [number, number, number];

/** How a block convolves: torchvision's Conv3DSimple, Conv3DNoTemporal or Conv2Plus1D. */
export type ConvKind = '3d' | '2d' | '2plus1d';

/** Context shared by the builders. */
export interface Ctx {
  plan: ResNetPlan;
  seeds: SeedStream;
}

/**
 * Conv3d with PyTorch's padding (k − 1)/2 per axis: 'same' when every
 * stride is 1 (symmetric for odd kernels), else explicit {@link ZeroPadding3D} + 'valid'.
 */
export function conv3d(ctx: Ctx, x: tf.SymbolicTensor, filters: number, kernel: Triple, strides: Triple, name: string): tf.SymbolicTensor {
  const pad = kernel.map((k) => (k - 1) / 2) as Triple;
  let h = x;
  let padding: 'same' | 'valid' = 'same';
  if (strides.some((s) => s > 1)) {
    padding = 'valid';
    if (pad.some((p) => p > 0)) h = zeroPad3d(h, pad, `${name}_pad`);
  }
  return apply(
    tf.layers.conv3d({
      filters,
      kernelSize: kernel,
      strides,
      padding,
      useBias: ctx.plan.norm === 'none',
      kernelInitializer: kaimingFanOut(kernel, filters, ctx.seeds.next()),
      name,
    }),
    h,
  );
}

/**
 * Batch norm of a 5D feature map. tf.layers' batch norm handles rank ≤ 4 only,
 * so the frames are folded into the rows: [b, t, h, w, c] → [b, t·h, w, c] →
 * batch norm (same statistics: per channel over b, t, h, w) → back. Nothing for norm 'none'.
 */
export function norm5d(ctx: Ctx, x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  if (ctx.plan.norm === 'none') return x;
  const [, t, h, w, c] = x.shape as [null, number, number, number, number];
  let y = apply(tf.layers.reshape({ targetShape: [t * h, w, c], name: `${name}_fold` }), x);
  y = apply(tf.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5, name }), y);
  return apply(tf.layers.reshape({ targetShape: [t, h, w, c], name: `${name}_unfold` }), y);
}

export function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return apply(tf.layers.reLU({ name }), x);
}

/** torchvision's midplanes of a (2+1)D block: ⌊in·out·27 / (in·9 + 3·out)⌋ (same parameters as a 3×3×3 conv). */
export function midplanes(inC: number, outC: number): number {
  return Math.max(1, Math.floor((inC * outC * 27) / (inC * 9 + 3 * outC)));
}

/** One conv_builder(in, out, mid, stride) of torchvision; `p` is its name (e.g. `…_conv1_0`). */
export function convBuilder(ctx: Ctx, kind: ConvKind, x: tf.SymbolicTensor, outC: number, mid: number, stride: number, p: string): tf.SymbolicTensor {
  if (kind === '3d') return conv3d(ctx, x, outC, [3, 3, 3], [stride, stride, stride], p);
  if (kind === '2d') return conv3d(ctx, x, outC, [1, 3, 3], [1, stride, stride], p);
  let h = conv3d(ctx, x, mid, [1, 3, 3], [1, stride, stride], `${p}_0`);
  h = relu(norm5d(ctx, h, `${p}_1`), `${p}_2`);
  return conv3d(ctx, h, outC, [3, 1, 1], [stride, 1, 1], `${p}_3`);
}

/** Stride of the 1×1×1 shortcut convolution (torchvision's get_downsample_stride). */
function downsampleStride(kind: ConvKind, stride: number): Triple {
  return kind === '2d' ? [1, stride, stride] : [stride, stride, stride];
}

/** torchvision's video BasicBlock: conv1 (+norm, ReLU) → conv2 (+norm) → + shortcut → ReLU. */
export function videoBlock(ctx: Ctx, kind: ConvKind, x: tf.SymbolicTensor, inC: number, outC: number, stride: number, p: string): tf.SymbolicTensor {
  const mid = midplanes(inC, outC);
  let h = convBuilder(ctx, kind, x, outC, mid, stride, `${p}_conv1_0`);
  h = relu(norm5d(ctx, h, `${p}_conv1_1`), `${p}_conv1_2`);
  h = convBuilder(ctx, kind, h, outC, mid, 1, `${p}_conv2_0`);
  h = norm5d(ctx, h, `${p}_conv2_1`);
  let shortcut = x;
  if (stride !== 1 || inC !== outC) {
    shortcut = conv3d(ctx, x, outC, [1, 1, 1], downsampleStride(kind, stride), `${p}_downsample_0`);
    shortcut = norm5d(ctx, shortcut, `${p}_downsample_1`);
  }
  h = apply(tf.layers.add({ name: `${p}_add` }), [h, shortcut]);
  return relu(h, `${p}_out`);
}

/**
 * The stem. 'conv7' is torchvision's: BasicStem (3×7×7, stride (1, 2, 2)) or,
 * for (2+1)D, R2Plus1dStem (1×7×7 stride (1, 2, 2) to ⌊45/64·w⌋ channels, then 3×1×1).
 * 'conv3' is a small-input stem at full resolution: 3×3×3 (or 1×3×3 then 3×1×1).
 */
export function videoStem(
  ctx: Ctx,
  x: tf.SymbolicTensor,
  stem: 'conv3' | 'conv7',
  twoPlusOne: boolean,
  inC: number,
  width: number,
  p: string,
): tf.SymbolicTensor {
  const k = stem === 'conv7' ? 7 : 3;
  const s = stem === 'conv7' ? 2 : 1;
  if (!twoPlusOne) {
    const h = conv3d(ctx, x, width, [3, k, k], [1, s, s], `${p}_stem_0`);
    return relu(norm5d(ctx, h, `${p}_stem_1`), `${p}_stem_2`);
  }
  const mid = stem === 'conv7' ? Math.max(1, Math.round((45 / 64) * width)) : midplanes(inC, width);
  let h = conv3d(ctx, x, mid, [1, k, k], [1, s, s], `${p}_stem_0`);
  h = relu(norm5d(ctx, h, `${p}_stem_1`), `${p}_stem_2`);
  h = conv3d(ctx, h, width, [3, 1, 1], [1, 1, 1], `${p}_stem_3`);
  return relu(norm5d(ctx, h, `${p}_stem_4`), `${p}_stem_5`);
}

/** `pad` zeros before and after each of the frame, row and column axes (a {@link ZeroPadding3D} layer named `name`). */
export function zeroPad3d(x: tf.SymbolicTensor, pad: Triple, name: string): tf.SymbolicTensor {
  return apply(
    new ZeroPadding3D({
      padding: [
        [pad[0], pad[0]],
        [pad[1], pad[1]],
        [pad[2], pad[2]],
      ],
      name,
    }),
    x,
  );
}
