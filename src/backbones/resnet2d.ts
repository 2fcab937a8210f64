import * as tf from '@tensorflow/tfjs';
import { assertChoice } from '../core/assert.js';
import { apply, inputShapeOf, kaimingFanOut, normRelu, resNetPlan, SeedStream, type ResNetCommonOptions, type ResNetPlan } from './resnet-options.js';

/** Options of {@link resnet2d}. */
export interface ResNet2dOptions extends ResNetCommonOptions {
  /** `[height, width, channels]` of the images (channels last). */
  inputShape: readonly [number, number, number];
  /**
   * 'conv3' (default): 3×3 convolution, stride 1 — for small images;
   * 'conv7': torchvision's stem, 7×7 stride 2 → norm → ReLU → 3×3 max pool stride 2 (a quarter of the resolution).
   */
  stem?: 'conv3' | 'conv7';
  /**
   * 'basic' (default): two 3×3 convolutions per block (resnet18 / resnet34);
   * 'bottleneck': 1×1 → 3×3 (stride here) → 1×1 to 4× the stage width (resnet50 and deeper; torchvision's `Bottleneck`, v1.5).
   */
  block?: 'basic' | 'bottleneck';
}

/**
 * A small configurable 2D ResNet (He et al., basic blocks) as a feature
 * extractor: a `tf.LayersModel` from standard `tf.layers` (save/load with
 * `model.save` / `tf.loadLayersModel` as any Keras-style model).
 *
 * `image [b, h, w, c] → stem → stage 1 … stage S → feature map [b, h', w', widths[S−1]]`
 * with h' = h / 2^(S−1) (rounded up at each halving; a further 4× smaller
 * with the 'conv7' stem). Stage i has `blocksPerStage` blocks
 * `x → conv3×3 → norm → ReLU → conv3×3 → norm → (+ shortcut) → ReLU`; the
 * first block of every stage after the first has stride 2 and a 1×1
 * convolution (+ norm) on the shortcut (torchvision's `BasicBlock`).
 * Stride-2 convolutions pad explicitly as PyTorch does (symmetric
 * `zeroPadding2d` + 'valid'), so torchvision weights convert exactly.
 * Convolutions start at Kaiming-normal (fan-out) as torchvision's.
 *
 * Layer names follow torchvision's state-dict keys with '.' → '_' after the
 * model name: `resnet2d_conv1`, `resnet2d_bn1`, `resnet2d_layer2_0_conv1`,
 * `resnet2d_layer2_0_downsample_0`; each block ends in a ReLU named
 * `…_layer{i}_{j}_out` (cut points for `attachHead`'s `cutAt`).
 * `resnet2d({ inputShape: [224, 224, 3], widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7' })`
 * is torchvision's `resnet18` without its pooling and classifier; `blocksPerStage: [3, 4, 6, 3]` makes `resnet34`, and
 * with `block: 'bottleneck'` `resnet50` (output channels 4 × the last width, 2048). {@link torchBackbone} builds these
 * from a PyTorch state dict.
 *
 * Put a survival head on it with `attachHead(backbone, head, { pool: 'avg' })`
 * (global average over space).
 *
 * @example
 * const backbone = resnet2d({ inputShape: [32, 32, 1], widths: [8, 16, 32], seed: 1 });
 * backbone.outputs[0].shape; // [null, 8, 8, 32]
 * const model = new CoxPH({ backbone, attach: { pool: 'avg' }, seed: 1 });
 * @throws {SurvkitError} for an input shape that is not 3 positive integers, empty or non-integer widths,
 *   a `blocksPerStage` list of the wrong length, an unknown stem or norm
 * @see He, Zhang, Ren & Sun (2016) Deep residual learning for image recognition, CVPR; torchvision `models/resnet.py`.
 */
export function resnet2d(opts: ResNet2dOptions): tf.LayersModel {
  const fn = 'resnet2d';
  const shape = inputShapeOf(fn, opts.inputShape, 3, '[height, width, channels]');
  const plan = resNetPlan(fn, opts, [16, 32, 64], 'resnet2d');
  const stem = assertChoice(fn, 'stem', opts.stem ?? 'conv3', ['conv3', 'conv7'] as const);
  const bottleneck = assertChoice(fn, 'block', opts.block ?? 'basic', ['basic', 'bottleneck'] as const) === 'bottleneck';
  const seeds = new SeedStream(plan.seed);
  const p = plan.name;

  const input = tf.input({ shape, name: opts.inputName ?? 'image' });
  const w0 = plan.widths[0] as number;
  let h: tf.SymbolicTensor;
  if (stem === 'conv3') {
    h = conv(plan, seeds, input, w0, 3, 1, `${p}_conv1`);
    h = normRelu(plan, h, `${p}_bn1`, `${p}_relu`);
  } else {
    h = conv(plan, seeds, input, w0, 7, 2, `${p}_conv1`);
    h = normRelu(plan, h, `${p}_bn1`, `${p}_relu`);
    // After a ReLU the values are >= 0, so zero padding = PyTorch's -inf padding of MaxPool2d(3, 2, padding=1).
    h = apply(
      tf.layers.zeroPadding2d({
        padding: [
          [1, 1],
          [1, 1],
        ],
        name: `${p}_maxpool_pad`,
      }),
      h,
    );
    h = apply(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: `${p}_maxpool` }), h);
  }
  let channels = w0;
  plan.widths.forEach((width, i) => {
    for (let j = 0; j < (plan.blocks[i] as number); j++) {
      const stride = i > 0 && j === 0 ? 2 : 1;
      const name = `${p}_layer${i + 1}_${j}`;
      h = bottleneck ? bottleneckBlock(plan, seeds, h, channels, width, stride, name) : basicBlock(plan, seeds, h, channels, width, stride, name);
      channels = bottleneck ? 4 * width : width;
    }
  });
  return tf.model({ inputs: input, outputs: h, name: p });
}

/** Conv k×k with PyTorch padding (k−1)/2: 'same' at stride 1, explicit zero padding + 'valid' at stride 2. */
function conv(plan: ResNetPlan, seeds: SeedStream, x: tf.SymbolicTensor, filters: number, k: number, stride: number, name: string): tf.SymbolicTensor {
  const pad = (k - 1) / 2;
  let h = x;
  let padding: 'same' | 'valid' = 'same';
  if (stride > 1) {
    padding = 'valid';
    if (pad > 0)
      h = apply(
        tf.layers.zeroPadding2d({
          padding: [
            [pad, pad],
            [pad, pad],
          ],
          name: `${name}_pad`,
        }),
        h,
      );
  }
  return apply(
    tf.layers.conv2d({
      filters,
      kernelSize: k,
      strides: stride,
      padding,
      useBias: plan.norm === 'none',
      kernelInitializer: kaimingFanOut([k, k], filters, seeds.next()),
      name,
    }),
    h,
  );
}

/** torchvision's BasicBlock (expansion 1). */
function basicBlock(plan: ResNetPlan, seeds: SeedStream, x: tf.SymbolicTensor, inC: number, outC: number, stride: number, p: string): tf.SymbolicTensor {
  let h = conv(plan, seeds, x, outC, 3, stride, `${p}_conv1`);
  h = normRelu(plan, h, `${p}_bn1`, `${p}_relu1`);
  h = conv(plan, seeds, h, outC, 3, 1, `${p}_conv2`);
  h = normRelu(plan, h, `${p}_bn2`, null);
  let shortcut = x;
  if (stride !== 1 || inC !== outC) {
    shortcut = conv(plan, seeds, x, outC, 1, stride, `${p}_downsample_0`);
    shortcut = normRelu(plan, shortcut, `${p}_downsample_1`, null);
  }
  h = apply(tf.layers.add({ name: `${p}_add` }), [h, shortcut]);
  return apply(tf.layers.reLU({ name: `${p}_out` }), h);
}

/** torchvision's Bottleneck (expansion 4, stride on the 3×3 convolution as in torchvision ≥ 0.2, "ResNet v1.5"). */
function bottleneckBlock(plan: ResNetPlan, seeds: SeedStream, x: tf.SymbolicTensor, inC: number, width: number, stride: number, p: string): tf.SymbolicTensor {
  const outC = 4 * width;
  let h = conv(plan, seeds, x, width, 1, 1, `${p}_conv1`);
  h = normRelu(plan, h, `${p}_bn1`, `${p}_relu1`);
  h = conv(plan, seeds, h, width, 3, stride, `${p}_conv2`);
  h = normRelu(plan, h, `${p}_bn2`, `${p}_relu2`);
  h = conv(plan, seeds, h, outC, 1, 1, `${p}_conv3`);
  h = normRelu(plan, h, `${p}_bn3`, null);
  let shortcut = x;
  if (stride !== 1 || inC !== outC) {
    shortcut = conv(plan, seeds, x, outC, 1, stride, `${p}_downsample_0`);
    shortcut = normRelu(plan, shortcut, `${p}_downsample_1`, null);
  }
  h = apply(tf.layers.add({ name: `${p}_add` }), [h, shortcut]);
  return apply(tf.layers.reLU({ name: `${p}_out` }), h);
}
