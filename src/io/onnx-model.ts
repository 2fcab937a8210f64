/**
 * ONNX models written from a plain description of the graph: nodes,
 * initializers, typed inputs and outputs, and the opset. The bytes are a
 * ModelProto of onnx.proto (see onnx-proto.ts), which onnxruntime and the
 * `onnx` Python package read.
 */
import { survkitError } from '../core/errors.js';
import { onnxProtoRoot } from './onnx-proto.js';

/** Element type of a graph input or output. */
export type OnnxDType = 'float32' | 'int64' | 'bool';

/**
 * A node attribute: an integer (`i`), a float (`f`), a list of integers (`ints`), a list of floats (`floats`) or a UTF-8 string (`s`).
 * Integers are int64 in the model, so they must be safe integers; floats are stored as float32.
 */
export type OnnxAttr = { i: number } | { f: number } | { ints: readonly number[] } | { floats: readonly number[] } | { s: string };

/**
 * One operator call: `op` from the default domain (`ai.onnx`) unless `domain` names another, reading `inputs` and writing `outputs`
 * (value names; `''` marks an omitted optional input or output), with attributes `attrs` and an optional node `name`.
 */
export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, OnnxAttr>>;
  domain?: string;
  name?: string;
}

/**
 * A constant tensor (an initializer): row-major `data` of shape `dims` (`[]` for a scalar). float32 data is a `Float32Array` or numbers;
 * int64 data a `BigInt64Array` or safe integers.
 */
export interface OnnxTensorData {
  name: string;
  dtype: 'float32' | 'int64';
  dims: readonly number[];
  data: Float32Array | BigInt64Array | readonly number[];
}

/**
 * A graph input or output: its name, element type and shape. A string in `dims` is a symbolic dimension (e.g. `'batch'`), fixed at
 * run time; `dims: []` is a scalar; without `dims` the shape is unknown (onnxruntime accepts that; `onnx.checker` wants a shape on
 * the inputs and outputs of the main graph).
 */
export interface OnnxValueInfo {
  name: string;
  dtype: OnnxDType;
  dims?: readonly (number | string)[];
}

/**
 * A whole graph. `nodes` are listed in execution order (each input is a graph input, an initializer or an output of an earlier node);
 * `opset` is the version of the default domain `ai.onnx` (13 … 21).
 */
export interface OnnxGraph {
  name?: string;
  nodes: readonly OnnxNode[];
  initializers?: readonly OnnxTensorData[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  opset: number;
}

const FN = 'encodeOnnxModel';

/** The IR version each `ai.onnx` opset came with (onnx/helper.py, VERSION_TABLE: ONNX 1.8 … 1.16). */
const IR_VERSION: Readonly<Record<number, number>> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
const OPSETS = Object.keys(IR_VERSION).map(Number);

/** onnx.TensorProto.DataType codes of the element types survkit writes. */
const DATA_TYPE: Readonly<Record<OnnxDType, number>> = { float32: 1, int64: 7, bool: 9 };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of `data`: a view of its buffer on little-endian machines, a copy otherwise. */
function littleEndianBytes(data: Float32Array | BigInt64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const dv = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, k) => dv.setFloat32(4 * k, v, true));
  else data.forEach((v, k) => dv.setBigInt64(8 * k, v, true));
  return out;
}

const bad = (arg: string, expected: string, got: unknown): never => {
  throw survkitError('onnxGraphValue', FN, arg, expected, got);
};

/** Array.isArray without narrowing (the declared types are arrays; this checks untyped callers). */
const isArray = (v: unknown): boolean => Array.isArray(v);

const isName = (s: unknown): s is string => typeof s === 'string' && s !== '';

function checkName(arg: string, name: unknown): void {
  if (!isName(name)) bad(arg, 'a non-empty value name', name);
}

function checkDims(arg: string, dims: unknown, symbolic: boolean): void {
  if (!Array.isArray(dims)) bad(arg, 'an array of dimensions', dims);
  (dims as unknown[]).forEach((d, k) => {
    if (symbolic && isName(d)) return;
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) bad(`${arg}[${k}]`, symbolic ? 'an integer >= 0 or a symbolic name' : 'an integer >= 0', d);
  });
}

/** The attribute's protobufjs object; throws `onnxGraphValue` for anything but one of the five forms. */
function attribute(arg: string, name: string, a: unknown): Record<string, unknown> {
  const expected = 'one of { i: integer }, { f: number }, { ints: integers }, { floats: numbers }, { s: string }';
  if (name === '') bad(arg, 'an attribute with a non-empty name', name);
  if (typeof a !== 'object' || a === null || Object.keys(a).length !== 1) return bad(arg, expected, a);
  const [key, v] = Object.entries(a)[0] as [string, unknown];
  const numbers = (integers: boolean): number[] => {
    if (!Array.isArray(v)) bad(`${arg}.${key}`, integers ? 'an array of integers' : 'an array of numbers', v);
    (v as unknown[]).forEach((x, k) => {
      if (typeof x !== 'number' || (integers && !Number.isSafeInteger(x))) bad(`${arg}.${key}[${k}]`, integers ? 'a safe integer' : 'a number', x);
    });
    return v as number[];
  };
  switch (key) {
    case 'i':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) bad(`${arg}.i`, 'a safe integer', v);
      return { name, type: 'INT', i: v };
    case 'f':
      if (typeof v !== 'number') bad(`${arg}.f`, 'a number', v);
      return { name, type: 'FLOAT', f: v };
    case 'ints':
      return { name, type: 'INTS', ints: numbers(true) };
    case 'floats':
      return { name, type: 'FLOATS', floats: numbers(false) };
    case 's':
      if (typeof v !== 'string') bad(`${arg}.s`, 'a string', v);
      return { name, type: 'STRING', s: new TextEncoder().encode(v as string) };
    default:
      return bad(arg, expected, a);
  }
}

/** The initializer's protobufjs object, after checking its name, dtype, dims and data. */
function tensor(arg: string, t: OnnxTensorData): Record<string, unknown> {
  checkName(`${arg}.name`, t.name);
  if (t.dtype !== 'float32' && t.dtype !== 'int64') throw survkitError('onnxDType', FN, `${arg}.dtype`, ['float32', 'int64'], t.dtype);
  checkDims(`${arg}.dims`, t.dims, false);
  const size = t.dims.reduce((p, d) => p * d, 1);
  const data = t.data as unknown;
  let typed: Float32Array | BigInt64Array;
  if (t.dtype === 'float32') {
    if (data instanceof Float32Array) typed = data;
    else if (Array.isArray(data) && data.every((x) => typeof x === 'number')) typed = Float32Array.from(data);
    else return bad(`${arg}.data`, 'a Float32Array or an array of numbers (dtype float32)', data);
  } else if (data instanceof BigInt64Array) typed = data;
  else if (Array.isArray(data)) {
    (data as unknown[]).forEach((x, k) => {
      if (typeof x !== 'number' || !Number.isSafeInteger(x)) bad(`${arg}.data[${k}]`, 'a safe integer (dtype int64)', x);
    });
    typed = BigInt64Array.from(data as number[], (x) => BigInt(x));
  } else return bad(`${arg}.data`, 'a BigInt64Array or an array of integers (dtype int64)', data);
  if (typed.length !== size) throw survkitError('onnxTensorSize', FN, `${arg}.data`, t.dims, size, typed.length);
  return { name: t.name, dims: t.dims, data_type: DATA_TYPE[t.dtype], raw_data: littleEndianBytes(typed) };
}

/** The graph input's or output's protobufjs object, after checking its name, dtype and dims. */
function valueInfo(arg: string, v: OnnxValueInfo): Record<string, unknown> {
  checkName(`${arg}.name`, v.name);
  if (!Object.hasOwn(DATA_TYPE, v.dtype)) throw survkitError('onnxDType', FN, `${arg}.dtype`, Object.keys(DATA_TYPE), v.dtype);
  const tensorType: Record<string, unknown> = { elem_type: DATA_TYPE[v.dtype] };
  if (v.dims !== undefined) {
    checkDims(`${arg}.dims`, v.dims, true);
    tensorType.shape = { dim: v.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) };
  }
  return { name: v.name, type: { tensor_type: tensorType } };
}

/**
 * Encodes a graph description as the bytes of an ONNX `ModelProto` (a `.onnx` file), ready for
 * `InferenceSession.create(bytes)` of onnxruntime or `onnx.load`. The model imports the default domain at `graph.opset` with the IR
 * version of that opset's ONNX release (13–14 → 7, 15–18 → 8, 19–20 → 9, 21 → 10); a node domain other than `ai.onnx` is imported at
 * version 1. Initializers are stored as little-endian `raw_data`. The description is checked first: op names, one producer per
 * value, nodes in execution order, graph outputs that something produces, element types, dims and data sizes.
 *
 * @example
 * const bytes = encodeOnnxModel({
 *   opset: 17,
 *   inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 3] }],
 *   outputs: [{ name: 'y', dtype: 'float32', dims: ['batch', 3] }],
 *   initializers: [{ name: 'b', dtype: 'float32', dims: [3], data: [0.5, -1, 2] }],
 *   nodes: [{ op: 'Add', inputs: ['x', 'b'], outputs: ['s'] }, { op: 'Relu', inputs: ['s'], outputs: ['y'] }],
 * });
 * writeFileSync('relu.onnx', bytes);
 * @throws {SurvkitError} `onnxOpset` for an opset outside 13 … 21, `onnxOpName` for an empty op, `onnxProducedTwice` for a value
 *   produced twice, `onnxNodeInput` for a node input nothing before it produces, `onnxGraphOutput` for a graph output nothing produces,
 *   `onnxDType` for an unknown element type, `onnxTensorSize` for initializer data whose length is not the product of its dims,
 *   `onnxGraphValue` for a malformed name, dims, data array or attribute
 */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  for (const key of ['nodes', 'inputs', 'outputs'] as const) if (!isArray(graph[key])) bad(`graph.${key}`, 'an array', graph[key]);
  if (graph.initializers !== undefined && !isArray(graph.initializers)) bad('graph.initializers', 'an array', graph.initializers);
  const ir = IR_VERSION[graph.opset];
  if (!Number.isInteger(graph.opset) || ir === undefined) throw survkitError('onnxOpset', FN, 'graph.opset', OPSETS, graph.opset);
  /** Value name → who produces it (for messages). */
  const producer = new Map<string, string>();
  const produce = (arg: string, name: string, who: string): void => {
    const first = producer.get(name);
    if (first !== undefined) throw survkitError('onnxProducedTwice', FN, arg, name, first);
    producer.set(name, who);
  };
  const inputs = graph.inputs.map((v, k) => valueInfo(`graph.inputs[${k}]`, v));
  graph.inputs.forEach((v, k) => produce(`graph.inputs[${k}].name`, v.name, `graph input ${k}`));
  const initializers = (graph.initializers ?? []).map((t, k) => tensor(`graph.initializers[${k}]`, t));
  const initializerOf = new Map<string, number>();
  (graph.initializers ?? []).forEach((t, k) => {
    const j = initializerOf.get(t.name);
    if (j !== undefined) throw survkitError('onnxProducedTwice', FN, `graph.initializers[${k}].name`, t.name, `initializer ${j}`);
    initializerOf.set(t.name, k);
    // An initializer may share its name with a graph input (it is then the input's default value).
    if (!producer.has(t.name)) producer.set(t.name, `initializer ${k}`);
  });
  const domains = new Set<string>();
  const nodes = graph.nodes.map((n, k) => {
    const arg = `graph.nodes[${k}]`;
    if (!isArray(n.inputs)) bad(`${arg}.inputs`, 'an array of value names', n.inputs);
    if (!isArray(n.outputs)) bad(`${arg}.outputs`, 'an array of value names', n.outputs);
    if (!isName(n.op)) throw survkitError('onnxOpName', FN, `${arg}.op`, n.op);
    n.inputs.forEach((name, j) => {
      if (name === '') return;
      if (typeof name !== 'string') bad(`${arg}.inputs[${j}]`, "a value name or '' (an omitted optional input)", name);
      if (!producer.has(name)) throw survkitError('onnxNodeInput', FN, `${arg}.inputs[${j}]`, k, n.op, name);
    });
    n.outputs.forEach((name, j) => {
      if (name === '') return;
      if (typeof name !== 'string') bad(`${arg}.outputs[${j}]`, "a value name or '' (an omitted optional output)", name);
      produce(`${arg}.outputs[${j}]`, name, `node ${k} (${n.op})`);
    });
    const domain = n.domain === undefined || n.domain === 'ai.onnx' ? '' : n.domain;
    if (typeof domain !== 'string') bad(`${arg}.domain`, 'an operator domain name', domain);
    if (domain !== '') domains.add(domain);
    const attributes = Object.entries(n.attrs ?? {}).map(([name, a]) => attribute(`${arg}.attrs.${name}`, name, a));
    return { input: n.inputs, output: n.outputs, op_type: n.op, attribute: attributes, ...(n.name === undefined ? {} : { name: n.name }), domain };
  });
  const outputs = graph.outputs.map((v, k) => {
    const info = valueInfo(`graph.outputs[${k}]`, v);
    if (!producer.has(v.name)) throw survkitError('onnxGraphOutput', FN, `graph.outputs[${k}].name`, v.name);
    return info;
  });
  const opsetImport = [{ domain: '', version: graph.opset }, ...[...domains].map((domain) => ({ domain, version: 1 }))];
  const ModelProto = onnxProtoRoot().lookupType('onnx.ModelProto');
  const model = ModelProto.fromObject({
    ir_version: ir,
    opset_import: opsetImport,
    producer_name: 'survkit',
    graph: { node: nodes, name: graph.name ?? 'survkit', initializer: initializers, input: inputs, output: outputs },
  });
  return ModelProto.encode(model).finish();
}
