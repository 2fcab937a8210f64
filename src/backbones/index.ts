/** survkit backbones — a tabular MLP and adapters that put a survival head on any tf.LayersModel. */
export { mlp, type MlpOptions } from './mlp.js';
export { attachHead, type AttachOptions, type HeadLayer } from './attach.js';
export { freezeLayers, inferenceModeForFrozenBatchNorm } from './freeze.js';
export { GlobalPool, type GlobalPoolArgs } from './global-pool.js';
export { SeededDropout, type SeededDropoutArgs } from './seeded-dropout.js';
export { resnet2d, type ResNet2dOptions } from './resnet2d.js';
export { r3d, mc3, r2plus1d, type VideoNetOptions } from './video.js';
export { type ResNetCommonOptions, type ResNetNorm } from './resnet-options.js';
export { ZeroPadding3D, type ZeroPadding3DArgs } from './zero-padding3d.js';
export { fastBatchNormTraining } from './fast-batch-norm.js';
export { walkLayers } from './walk-layers.js';
export { lenet, type LeNetOptions } from './lenet.js';
// pretrained backbones: safetensors, PyTorch state dicts, ONNX
export {
  float16Bits,
  parseSafetensors,
  readSafetensors,
  writeSafetensors,
  type SafeTensor,
  type SafeTensorInput,
  type SafetensorsDtype,
  type SafetensorsFile,
} from './safetensors.js';
export {
  guessTorchArch,
  loadTorchWeights,
  torchBackbone,
  TORCH_ARCHS,
  type TorchArch,
  type TorchBackboneOptions,
  type TorchWeightsOptions,
  type TorchWeightsResult,
} from './torch-weights.js';
export { loadOnnxBackbone, OnnxBackbone, type OnnxBackboneOptions } from './onnx-backbone.js';
// MONAI / MedicalNet volumetric ResNets
export { resnet3d, type ResNet3dOptions } from './resnet3d.js';
export { ChannelPadShortcut, type ChannelPadShortcutArgs } from './channel-pad-shortcut.js';
export { torchInputChannels, torchStateDict, type Resnet3dArch } from './torch-weights.js';
