/**
 * The one table of survkit's changes to TF.js's kernel registry: every
 * kernel it replaces, wraps or adds, and the two gradients it overrides,
 * with the reason. Nothing here runs at import: the registry
 * (registry.ts) installs the table when `initBackend()` (or a survkit
 * model's first `fit` / `predict`) asks, and `restoreStockKernels()` undoes it.
 *
 * How the stock kernel is kept: when a patch replaces or wraps a kernel that
 * TF.js registered, the registry keeps the stock `KernelConfig` (wrapping
 * patches delegate the cases they do not cover to it) and registers it again
 * on restore. A patch where TF.js had no kernel ("adds") is unregistered on
 * restore. The gradient overrides keep and restore the stock gradient the
 * same way. Wasm rows are installed only once the wasm backend is loaded.
 *
 * `group` sorts the rows into the conv patches ('conv': 2D convolution
 * training on cpu and wasm) and the backbone patches ('backbone': ResNets with
 * batch norm, 3D convolutions, elementwise ops); both are installed together.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig } from '@tensorflow/tfjs';
import { castWasmConfig, identityWasmConfig } from './alias-wasm.js';
import { batchNormGradConfig } from './batch-norm-grad.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { conv2dCpuConfig } from './conv2d-forward.js';
import { conv2dGradConfig } from './conv2d-grad.js';
import { conv3dConfigs } from './conv3d-via-conv2d.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import { binaryCpuConfig, meanCpuConfig, unaryCpuConfig } from './elementwise-cpu.js';
import { fusedConv2dCpuConfig } from './fused-conv2d-cpu.js';
import type { PatchedBackend } from './kernel-io.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { maxPool3dGradConfig } from './max-pool3d-grad.js';
import { maxPool3dConfig } from './max-pool3d.js';
import { padCpuConfig, sliceCpuConfig } from './slice-pad-cpu.js';
import { sumCpuConfig } from './sum.js';
import { sumWasmConfig } from './sum-wasm.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Which set of patches a row belongs to (see the module notes). */
export type PatchGroup = 'conv' | 'backbone';

/** What a kernel patch does to the stock kernel. */
export type PatchAction = 'replaces' | 'wraps' | 'adds';

/** One kernel patch: `make` builds the config from the stock kernel (undefined where TF.js has none). */
export interface KernelPatch {
  kind: 'kernel';
  group: PatchGroup;
  kernel: string;
  backend: PatchedBackend;
  /** 'replaces': survkit's kernel runs every case; 'wraps': the stock kernel runs the cases it does not cover; 'adds': TF.js has none. */
  action: PatchAction;
  why: string;
  make: (stock: KernelConfig | undefined) => KernelConfig;
}

/** One gradient override (for every backend). */
export interface GradientPatch {
  kind: 'gradient';
  group: PatchGroup;
  kernel: string;
  why: string;
  config: GradConfig;
}

export type Patch = KernelPatch | GradientPatch;

const kernel = (
  group: PatchGroup,
  name: string,
  backend: PatchedBackend,
  action: PatchAction,
  why: string,
  make: (stock: KernelConfig | undefined) => KernelConfig,
): KernelPatch => ({ kind: 'kernel', group, kernel: name, backend, action, why, make });

/** The configs of conv3dConfigs(backend) by kernel name. */
const conv3d = (backend: PatchedBackend, name: string): KernelConfig => conv3dConfigs(backend).find((c) => c.kernelName === name) as KernelConfig;

const CONV3D_WHY = {
  cpu: 'one 2D convolution with the temporal taps folded into the channels instead of the stock scalar 3D loops',
  wasm: "one 2D convolution with the temporal taps folded into the channels; TF.js 4.22's wasm 3D gradients disagree with the definition (input gradient with > 1 input channel, filter gradient with strides)",
} as const;

/** Every patch, in installation order. */
export const PATCHES: readonly Patch[] = [
  kernel('conv', tf.Conv2DBackpropFilter, 'cpu', 'replaces', 'im2col + GEMM; the stock kernel reads element by element', () =>
    conv2dBackpropFilterConfig('cpu'),
  ),
  kernel('conv', tf.Conv2DBackpropInput, 'cpu', 'replaces', 'im2col + GEMM instead of scalar loops', () => conv2dBackpropInputConfig('cpu')),
  kernel('conv', tf.MaxPoolGrad, 'cpu', 'replaces', 'one pass instead of per-element arg-max recomputation', () => maxPoolGradConfig('cpu')),
  kernel('conv', tf.Conv2D, 'cpu', 'replaces', 'im2col + GEMM; the stock kernel is a scalar loop nest (~4× slower)', () => conv2dCpuConfig()),
  kernel('conv', tf.Sum, 'cpu', 'replaces', 'one pass without a transpose (conv bias gradients); complex input goes to the stock kernel', () => sumCpuConfig()),
  kernel('conv', tf.Conv2DBackpropFilter, 'wasm', 'adds', 'TF.js has no wasm kernel: conv training fails without it', () => conv2dBackpropFilterConfig('wasm')),
  kernel('conv', tf.Conv2DBackpropInput, 'wasm', 'replaces', 'XNNPACK convolution instead of the stock scalar C++ loop (~10× slower)', () =>
    conv2dBackpropInputConfig('wasm'),
  ),
  kernel('conv', tf.MaxPoolGrad, 'wasm', 'replaces', 'one pass instead of per-element arg-max recomputation', () => maxPoolGradConfig('wasm')),
  kernel('conv', tf.UnsortedSegmentSum, 'wasm', 'adds', 'TF.js has no wasm kernel: the gradient of tf.gather fails without it', () =>
    unsortedSegmentSumConfig('wasm'),
  ),
  kernel('conv', tf.DepthwiseConv2dNativeBackpropFilter, 'wasm', 'adds', 'TF.js has no wasm kernel: depthwise training fails without it', () =>
    depthwiseBackpropFilterConfig('wasm'),
  ),
  kernel('conv', tf.DepthwiseConv2dNativeBackpropInput, 'wasm', 'adds', 'TF.js has no wasm kernel: depthwise training fails without it', () =>
    depthwiseBackpropInputConfig('wasm'),
  ),
  { kind: 'gradient', group: 'conv', kernel: tf.Conv2D, why: 'dilations > 1 (the stock gradient rejects them)', config: conv2dGradConfig },
  kernel('backbone', tf.FusedConv2D, 'cpu', 'wraps', "runs survkit's Conv2D instead of the stock scalar loop; other activations go to the stock kernel", (s) =>
    fusedConv2dCpuConfig(s),
  ),
  ...(['cpu', 'wasm'] as const).flatMap((b) =>
    [tf.Conv3D, tf.Conv3DBackpropInputV2, tf.Conv3DBackpropFilterV2].map((name) =>
      kernel('backbone', name, b, 'replaces', CONV3D_WHY[b], () => conv3d(b, name)),
    ),
  ),
  ...(['cpu', 'wasm'] as const).map((b) =>
    kernel(
      'backbone',
      tf.MaxPool3DGrad,
      b,
      'replaces',
      'one pass over the pooling windows instead of per-element arg-max recomputation through every tap',
      () => maxPool3dGradConfig(b),
    ),
  ),
  kernel(
    'backbone',
    tf.MaxPool3D,
    'wasm',
    'replaces',
    'the stock kernel starts each window at FLT_MIN instead of −∞: 1.18e-38 for windows ≤ 0, and subnormal products (~40× slower) in the next convolution',
    () => maxPool3dConfig('wasm'),
  ),
  kernel('backbone', tf.MaxPool3D, 'cpu', 'replaces', 'one pass over the windows instead of element-by-element buffer reads', () => maxPool3dConfig('cpu')),
  kernel('backbone', tf.Sum, 'wasm', 'wraps', 'rank ≥ 5 reductions not over the innermost axes: one pass instead of a generic 5D transpose', (s) =>
    sumWasmConfig(s),
  ),
  ...(['Multiply', 'Add', 'Sub', 'RealDiv'] as const).map((op) =>
    kernel('backbone', op, 'cpu', 'wraps', 'same shape or leading-axis broadcast in a plain loop (no per-element index arithmetic)', (s) =>
      binaryCpuConfig(op, s),
    ),
  ),
  kernel('backbone', tf.Mean, 'cpu', 'wraps', 'float32 mean in one pass, no transpose', (s) => meanCpuConfig(s)),
  kernel('backbone', tf.Relu, 'cpu', 'wraps', 'float32 in one plain loop', (s) => unaryCpuConfig('Relu', s)),
  kernel('backbone', tf.Step, 'cpu', 'wraps', 'float32 in one plain loop (gradient of Relu)', (s) => unaryCpuConfig('Step', s)),
  kernel('backbone', tf.Slice, 'cpu', 'wraps', 'row copies instead of element-by-element buffers', (s) => sliceCpuConfig(s)),
  kernel('backbone', tf.PadV2, 'cpu', 'wraps', 'row copies instead of element-by-element buffers', (s) => padCpuConfig(s)),
  kernel(
    'backbone',
    tf.Identity,
    'wasm',
    'wraps',
    'shares the heap block (reference counted) instead of copying it: the engine clones every tensor saved for a gradient',
    (s) => identityWasmConfig(s),
  ),
  kernel('backbone', tf.Cast, 'wasm', 'wraps', 'a cast to the same dtype shares the heap block instead of copying it (gradient of ReLU)', (s) =>
    castWasmConfig(s),
  ),
  { kind: 'gradient', group: 'backbone', kernel: tf.FusedBatchNorm, why: 'no tf.tile to the full input shape', config: batchNormGradConfig },
];
