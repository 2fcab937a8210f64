/**
 * Small video ResNets for `[frames, height, width, channels]` clips:
 * R3D (3D convolutions), MC3 (mixed: 3D in the first stage, 2D after) and
 * R(2+1)D (each 3×3×3 convolution factorised into 1×3×3 spatial and 3×1×1
 * temporal ones), after Tran et al. (2018) and torchvision's
 * `r3d_18` / `mc3_18` / `r2plus1d_18`, with tiny default widths so that they
 * train on the cpu and wasm backends (with survkit's Conv3D kernels, which
 * run each 3D convolution as one 2D convolution with the temporal taps folded
 * into the channels).
 *
 * **Pretrained weights.** torchvision's Kinetics-400 weights (saved as
 * safetensors) load with `torchBackbone(file, { arch: 'r3d_18', inputShape:
 * [16, 112, 112, 3] })` or `loadTorchWeights(net, file, { arch })` on a
 * network built with `widths: [64, 128, 256, 512], blocksPerStage: 2, stem:
 * 'conv7'` (see docs/backbones.md, "Pretrained weights"). Clips are
 * channels-last (`[b, t, h, w, c]` instead of PyTorch's `[b, c, t, h, w]`),
 * normalised with Kinetics' mean (0.43216, 0.394666, 0.37645) and std
 * (0.22803, 0.22145, 0.216989). Paddings equal PyTorch's, so the loaded
 * network computes the same features up to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs';
import { assertChoice } from '../core/assert.js';
import { inputShapeOf, resNetPlan, SeedStream, type ResNetCommonOptions } from './resnet-options.js';
import { videoBlock, videoStem, type ConvKind, type Ctx } from './video-blocks.js';

/** Options of {@link r3d}, {@link mc3} and {@link r2plus1d}. */
export interface VideoNetOptions extends ResNetCommonOptions {
  /** `[frames, height, width, channels]` of the clips (channels last). */
  inputShape: readonly [number, number, number, number];
  /**
   * 'conv3' (default): full-resolution 3×3×3 stem for small clips; 'conv7':
   * torchvision's (3×7×7 with stride (1, 2, 2), or its (2+1)D version).
   */
  stem?: 'conv3' | 'conv7';
}

type Family = 'r3d' | 'mc3' | 'r2plus1d';

function build(fn: Family, opts: VideoNetOptions): tf.LayersModel {
  const shape = inputShapeOf(fn, opts.inputShape, 4, '[frames, height, width, channels]');
  const plan = resNetPlan(fn, opts, [8, 16, 32], fn);
  const stem = assertChoice(fn, 'stem', opts.stem ?? 'conv3', ['conv3', 'conv7'] as const);
  const ctx: Ctx = { plan, seeds: new SeedStream(plan.seed) };
  const p = plan.name;
  const input = tf.input({ shape, name: opts.inputName ?? 'clip' });
  const w0 = plan.widths[0] as number;
  let h = videoStem(ctx, input, stem, fn === 'r2plus1d', shape[3] as number, w0, p);
  let channels = w0;
  plan.widths.forEach((width, i) => {
    const kind: ConvKind = fn === 'r3d' ? '3d' : fn === 'r2plus1d' ? '2plus1d' : i === 0 ? '3d' : '2d';
    for (let j = 0; j < (plan.blocks[i] as number); j++) {
      h = videoBlock(ctx, kind, h, channels, width, i > 0 && j === 0 ? 2 : 1, `${p}_layer${i + 1}_${j}`);
      channels = width;
    }
  });
  return tf.model({ inputs: input, outputs: h, name: p });
}

/**
 * R3D: a ResNet of 3×3×3 convolutions (torchvision `r3d_18` with
 * `widths: [64, 128, 256, 512], blocksPerStage: 2, stem: 'conv7'`). Every
 * stage after the first halves frames, height and width. Output: the last
 * feature map `[b, t', h', w', widths.at(-1)]`; `attachHead(net, head, { pool: 'avg' })`
 * averages it over time and space.
 *
 * @example
 * const backbone = r3d({ inputShape: [8, 32, 32, 1], seed: 1 }); // output [null, 2, 8, 8, 32]
 * const model = new CoxPH({ backbone, attach: { pool: 'avg' }, seed: 1 });
 * @throws {SurvkitError} for an input shape that is not 4 positive integers, bad widths or blocks, an unknown stem or norm
 * @see Tran et al. (2018) A closer look at spatiotemporal convolutions for action recognition, CVPR; torchvision `models/video/resnet.py`.
 */
export function r3d(opts: VideoNetOptions): tf.LayersModel {
  return build('r3d', opts);
}

/**
 * MC3 (mixed convolutions): 3×3×3 convolutions in the first stage, 1×3×3
 * (per-frame 2D) convolutions after; only height and width are downsampled
 * after the first stage (torchvision `mc3_18`). Output `[b, t, h', w', widths.at(-1)]`.
 *
 * @example
 * const backbone = mc3({ inputShape: [8, 32, 32, 1], seed: 1 }); // output [null, 8, 8, 8, 32]
 * @throws {SurvkitError} as {@link r3d}
 * @see Tran et al. (2018) CVPR; torchvision `models/video/resnet.py`.
 */
export function mc3(opts: VideoNetOptions): tf.LayersModel {
  return build('mc3', opts);
}

/**
 * R(2+1)D: every 3×3×3 convolution of R3D replaced by a 1×3×3 spatial
 * convolution to M channels, norm, ReLU and a 3×1×1 temporal convolution,
 * M = ⌊27·in·out / (9·in + 3·out)⌋ so that the parameter count matches
 * (torchvision `r2plus1d_18`). Output as {@link r3d}.
 *
 * @example
 * const backbone = r2plus1d({ inputShape: [8, 32, 32, 1], seed: 1 }); // output [null, 2, 8, 8, 32]
 * @throws {SurvkitError} as {@link r3d}
 * @see Tran et al. (2018) CVPR; torchvision `models/video/resnet.py`.
 */
export function r2plus1d(opts: VideoNetOptions): tf.LayersModel {
  return build('r2plus1d', opts);
}
