/**
 * encodeOnnxModel: the bytes decode back to the described ModelProto, onnxruntime-node runs the models with the outputs of their
 * definitions, and malformed descriptions are rejected with messages that name the culprit.
 */
import { describe, expect, it } from 'vitest';
import { importOnnxRuntime } from '../../src/backbones/onnx-backbone.js';
import { SurvkitError } from '../../src/core/errors.js';
import { messages } from '../../src/core/messages.js';
import { encodeOnnxModel, type OnnxGraph } from '../../src/io/onnx-model.js';
import { onnxProtoRoot } from '../../src/io/onnx-proto.js';

const FN = 'encodeOnnxModel';

interface DecodedAttr {
  name: string;
  type: string;
  f?: number;
  i?: number;
  s?: Uint8Array;
  ints?: number[];
  floats?: number[];
}
interface DecodedNode {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute?: DecodedAttr[];
}
interface DecodedTensor {
  name: string;
  dims?: number[];
  data_type: number;
  raw_data: Uint8Array;
}
interface DecodedValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape?: { dim?: { dim_value?: number; dim_param?: string }[] } } };
}
interface DecodedModel {
  ir_version: number;
  producer_name: string;
  opset_import: { domain?: string; version: number }[];
  graph: { name: string; node: DecodedNode[]; initializer: DecodedTensor[]; input: DecodedValueInfo[]; output: DecodedValueInfo[] };
}

/** The model decoded with the encoder's own protobufjs types: int64 as numbers, enums by name. */
function decode(bytes: Uint8Array): DecodedModel {
  const ModelProto = onnxProtoRoot().lookupType('onnx.ModelProto');
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, enums: String }) as DecodedModel;
}

/** Little-endian bytes written value by value with DataView (the definition of raw_data). */
function leBytes(values: readonly number[], kind: 'float32' | 'int64'): number[] {
  const dv = new DataView(new ArrayBuffer(values.length * (kind === 'float32' ? 4 : 8)));
  values.forEach((v, k) => (kind === 'float32' ? dv.setFloat32(4 * k, v, true) : dv.setBigInt64(8 * k, BigInt(v), true)));
  return [...new Uint8Array(dv.buffer)];
}

describe('encodeOnnxModel: the bytes decode to the described model', () => {
  const graph: OnnxGraph = {
    name: 'roundtrip',
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', dims: ['batch', 3] }],
    outputs: [
      { name: 'y', dtype: 'float32', dims: ['batch', 2] },
      { name: 'flag', dtype: 'bool' },
    ],
    initializers: [
      { name: 'w', dtype: 'float32', dims: [2, 3], data: new Float32Array([1.5, -2, 3.25, 0.1, 1e-3, -7]) },
      { name: 'shift', dtype: 'int64', dims: [2], data: [-1, 2 ** 40] },
      { name: 'scale', dtype: 'float32', dims: [], data: [0.5] },
    ],
    nodes: [
      { op: 'Gemm', inputs: ['x', 'w', ''], outputs: ['g'], attrs: { alpha: { f: 0.25 }, transB: { i: 1 }, beta: { f: 0 } }, name: 'dense' },
      { op: 'Mul', inputs: ['g', 'scale'], outputs: ['y'] },
      {
        op: 'Tag',
        domain: 'com.example',
        inputs: ['y', 'shift'],
        outputs: ['flag'],
        attrs: { sizes: { ints: [3, -1, 0] }, weights: { floats: [0.5, -0.25] }, label: { s: 'réseau' }, keep: { i: 0 } },
      },
    ],
  };
  const m = decode(encodeOnnxModel(graph));

  it('writes the header: IR version of the opset, producer, opset imports of the default and the custom domain', () => {
    expect(m.ir_version).toBe(8);
    expect(m.producer_name).toBe('survkit');
    expect(m.opset_import).toEqual([
      { domain: '', version: 17 },
      { domain: 'com.example', version: 1 },
    ]);
    expect(m.graph.name).toBe('roundtrip');
  });

  it('writes nodes with inputs (an omitted optional input as ""), outputs, names, domains and every attribute form', () => {
    const [gemm, mul, tag] = m.graph.node as [DecodedNode, DecodedNode, DecodedNode];
    expect(gemm).toMatchObject({ op_type: 'Gemm', input: ['x', 'w', ''], output: ['g'], name: 'dense', domain: '' });
    expect(gemm.attribute).toEqual([
      { name: 'alpha', type: 'FLOAT', f: 0.25 },
      { name: 'transB', type: 'INT', i: 1 },
      { name: 'beta', type: 'FLOAT', f: 0 },
    ]);
    expect(mul).toMatchObject({ op_type: 'Mul', input: ['g', 'scale'], output: ['y'] });
    expect(mul.attribute).toBeUndefined();
    expect(tag.domain).toBe('com.example');
    const attrs = new Map((tag.attribute ?? []).map((a) => [a.name, a]));
    expect(attrs.get('sizes')).toEqual({ name: 'sizes', type: 'INTS', ints: [3, -1, 0] });
    expect(attrs.get('weights')).toEqual({ name: 'weights', type: 'FLOATS', floats: [0.5, -0.25] });
    expect(attrs.get('label')?.type).toBe('STRING');
    expect(new TextDecoder().decode(attrs.get('label')?.s)).toBe('réseau');
    // proto2: an attribute set to 0 is still written
    expect(attrs.get('keep')).toEqual({ name: 'keep', type: 'INT', i: 0 });
  });

  it('writes initializers as little-endian raw_data with their dims and data types (a scalar has no dims)', () => {
    const [w, shift, scale] = m.graph.initializer as [DecodedTensor, DecodedTensor, DecodedTensor];
    expect(w).toMatchObject({ name: 'w', dims: [2, 3], data_type: 1 });
    expect([...w.raw_data]).toEqual(leBytes([1.5, -2, 3.25, 0.1, 1e-3, -7], 'float32'));
    expect(shift).toMatchObject({ name: 'shift', dims: [2], data_type: 7 });
    expect([...shift.raw_data]).toEqual(leBytes([-1, 2 ** 40], 'int64'));
    expect(scale.dims).toBeUndefined();
    expect([...scale.raw_data]).toEqual(leBytes([0.5], 'float32'));
  });

  it('writes inputs and outputs with element types and symbolic, fixed or unknown shapes', () => {
    expect(m.graph.input).toEqual([{ name: 'x', type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'batch' }, { dim_value: 3 }] } } } }]);
    expect(m.graph.output[0]?.type.tensor_type.shape?.dim).toEqual([{ dim_param: 'batch' }, { dim_value: 2 }]);
    expect(m.graph.output[1]).toEqual({ name: 'flag', type: { tensor_type: { elem_type: 9 } } });
  });

  it('accepts a BigInt64Array for int64 data and reads values named by both a graph input and an initializer', () => {
    const bytes = encodeOnnxModel({
      opset: 13,
      inputs: [{ name: 'axes', dtype: 'int64', dims: [1] }],
      outputs: [{ name: 'axes_out', dtype: 'int64', dims: [1] }],
      initializers: [{ name: 'axes', dtype: 'int64', dims: [1], data: new BigInt64Array([-3n]) }],
      nodes: [{ op: 'Identity', inputs: ['axes'], outputs: ['axes_out'] }],
    });
    const d = decode(bytes);
    expect([...(d.graph.initializer[0]?.raw_data ?? [])]).toEqual(leBytes([-3], 'int64'));
  });

  // onnx/helper.py VERSION_TABLE: ONNX 1.8 (IR 7, opset 13), 1.9 (7, 14), 1.10 (8, 15), 1.11 (8, 16), 1.12 (8, 17), 1.13 (8, 18),
  // 1.14 (9, 19), 1.15 (9, 20), 1.16 (10, 21)
  it.each([
    [13, 7],
    [14, 7],
    [15, 8],
    [16, 8],
    [17, 8],
    [18, 8],
    [19, 9],
    [20, 9],
    [21, 10],
  ])('opset %i is written with IR version %i', (opset, ir) => {
    const d = decode(
      encodeOnnxModel({
        opset,
        inputs: [{ name: 'x', dtype: 'float32' }],
        outputs: [{ name: 'y', dtype: 'float32' }],
        nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      }),
    );
    expect(d.ir_version).toBe(ir);
    expect(d.opset_import).toEqual([{ domain: '', version: opset }]);
  });
});

let ort: Awaited<ReturnType<typeof importOnnxRuntime>> | undefined;
try {
  ort = await importOnnxRuntime(FN, 'the test models');
} catch {
  console.log('onnxruntime-node is not installed: the onnxruntime runs of encoded models are skipped');
}

/** Runs the encoded graph in onnxruntime on float32 feeds; returns each output's data and dims. */
async function runModel(graph: OnnxGraph, feeds: Record<string, [Float32Array, number[]]>): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const rt = ort as NonNullable<typeof ort>;
  const session = await rt.InferenceSession.create(encodeOnnxModel(graph));
  try {
    const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([name, [data, dims]]) => [name, new rt.Tensor('float32', data, dims)])));
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, { data: t.data as Float32Array, dims: [...t.dims] }]));
  } finally {
    await session.release();
  }
}

/** float32 results against float64 references: |got − want| <= 1e-5 (1 + |want|). */
function expectClose(got: Float32Array, want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, k) => expect(Math.abs((got[k] as number) - w), `index ${k}: ${got[k]} vs ${w}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(w))));
}

/** Exact small float32 values: (k mod m − m/2) / 4. */
const ramp = (n: number, m = 7): Float32Array => Float32Array.from({ length: n }, (_, k) => ((k % m) - Math.floor(m / 2)) / 4);

describe.skipIf(ort === undefined)('encodeOnnxModel: onnxruntime-node runs the models (outputs of the definitions)', () => {
  it('Add + Mul + Relu with a vector and a scalar initializer: y = max(0, (x + b) · c)', async () => {
    const b = [0.5, -1, 2];
    const c = 1.5;
    const x = ramp(6);
    const out = await runModel(
      {
        opset: 17,
        inputs: [{ name: 'x', dtype: 'float32', dims: [2, 3] }],
        outputs: [{ name: 'y', dtype: 'float32', dims: [2, 3] }],
        initializers: [
          { name: 'b', dtype: 'float32', dims: [3], data: b },
          { name: 'c', dtype: 'float32', dims: [], data: new Float32Array([c]) },
        ],
        nodes: [
          { op: 'Add', inputs: ['x', 'b'], outputs: ['s'] },
          { op: 'Mul', inputs: ['s', 'c'], outputs: ['p'] },
          { op: 'Relu', inputs: ['p'], outputs: ['y'] },
        ],
      },
      { x: [x, [2, 3]] },
    );
    expect(out.y?.dims).toEqual([2, 3]);
    expectClose(
      out.y?.data as Float32Array,
      [...x].map((v, k) => Math.max(0, (v + (b[k % 3] as number)) * c)),
    );
  });

  it('Conv with pads, strides, kernel_shape, a float32 weight and a bias against a direct-loop convolution', async () => {
    const [n, cIn, h, wd, cOut, kh, kw] = [2, 2, 5, 4, 3, 3, 2];
    const [padTop, padLeft, padBottom, padRight] = [1, 0, 2, 1];
    const [sh, sw] = [2, 1];
    const x = ramp(n * cIn * h * wd, 11);
    const weight = Float32Array.from({ length: cOut * cIn * kh * kw }, (_, k) => ((k * 5) % 13) / 8 - 0.75);
    const bias = [0.25, -0.5, 1];
    const oh = Math.floor((h + padTop + padBottom - kh) / sh) + 1;
    const ow = Math.floor((wd + padLeft + padRight - kw) / sw) + 1;
    // the definition: out[b, m, i, j] = bias[m] + Σ_c Σ_u Σ_v x[b, c, i·sh − padTop + u, j·sw − padLeft + v] · w[m, c, u, v], zero outside x
    const want: number[] = [];
    for (let b = 0; b < n; b++)
      for (let m = 0; m < cOut; m++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++) {
            let sum = bias[m] as number;
            for (let c = 0; c < cIn; c++)
              for (let u = 0; u < kh; u++)
                for (let v = 0; v < kw; v++) {
                  const r = i * sh - padTop + u;
                  const q = j * sw - padLeft + v;
                  if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                  sum += (x[((b * cIn + c) * h + r) * wd + q] as number) * (weight[((m * cIn + c) * kh + u) * kw + v] as number);
                }
            want.push(sum);
          }
    const out = await runModel(
      {
        opset: 17,
        inputs: [{ name: 'x', dtype: 'float32', dims: [n, cIn, h, wd] }],
        outputs: [{ name: 'y', dtype: 'float32', dims: [n, cOut, oh, ow] }],
        initializers: [
          { name: 'w', dtype: 'float32', dims: [cOut, cIn, kh, kw], data: weight },
          { name: 'bias', dtype: 'float32', dims: [cOut], data: bias },
        ],
        nodes: [
          {
            op: 'Conv',
            inputs: ['x', 'w', 'bias'],
            outputs: ['y'],
            attrs: { pads: { ints: [padTop, padLeft, padBottom, padRight] }, strides: { ints: [sh, sw] }, kernel_shape: { ints: [kh, kw] } },
          },
        ],
      },
      { x: [x, [n, cIn, h, wd]] },
    );
    expect(out.y?.dims).toEqual([n, cOut, oh, ow]);
    expectClose(out.y?.data as Float32Array, want);
  });

  it('Reshape by an int64 shape initializer (with 0 = copy and -1 = infer)', async () => {
    const x = ramp(24);
    const out = await runModel(
      {
        opset: 17,
        inputs: [{ name: 'x', dtype: 'float32', dims: [2, 3, 4] }],
        outputs: [{ name: 'y', dtype: 'float32', dims: [2, 12] }],
        initializers: [{ name: 'shape', dtype: 'int64', dims: [2], data: [0, -1] }],
        nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
      },
      { x: [x, [2, 3, 4]] },
    );
    expect(out.y?.dims).toEqual([2, 12]);
    expect([...(out.y?.data as Float32Array)]).toEqual([...x]);
  });

  it('ReduceSum over int64 axes, and over all axes with the optional axes input omitted as ""', async () => {
    const x = ramp(24, 5);
    const out = await runModel(
      {
        opset: 17,
        inputs: [{ name: 'x', dtype: 'float32', dims: [2, 3, 4] }],
        outputs: [
          { name: 'y', dtype: 'float32', dims: [2, 4] },
          { name: 'total', dtype: 'float32', dims: [] },
        ],
        initializers: [{ name: 'axes', dtype: 'int64', dims: [1], data: new BigInt64Array([1n]) }],
        nodes: [
          { op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['y'], attrs: { keepdims: { i: 0 } } },
          { op: 'ReduceSum', inputs: ['x', ''], outputs: ['total'], attrs: { keepdims: { i: 0 } } },
        ],
      },
      { x: [x, [2, 3, 4]] },
    );
    const want: number[] = [];
    for (let a = 0; a < 2; a++)
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let b = 0; b < 3; b++) s += x[(a * 3 + b) * 4 + c] as number;
        want.push(s);
      }
    expect(out.y?.dims).toEqual([2, 4]);
    expectClose(out.y?.data as Float32Array, want);
    expect(out.total?.dims).toEqual([]);
    expectClose(out.total?.data as Float32Array, [x.reduce((p, v) => p + v, 0)]);
  });

  it("a symbolic batch dim 'n' takes batches of 1 and 4 rows: y = x W + b", async () => {
    const W = [0.5, -1, 2, 0.25, -0.75, 1.5]; // [3, 2]
    const b = [0.125, -2];
    const graph: OnnxGraph = {
      opset: 17,
      inputs: [{ name: 'x', dtype: 'float32', dims: ['n', 3] }],
      outputs: [{ name: 'y', dtype: 'float32', dims: ['n', 2] }],
      initializers: [
        { name: 'W', dtype: 'float32', dims: [3, 2], data: W },
        { name: 'b', dtype: 'float32', dims: [2], data: b },
      ],
      nodes: [
        { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
        { op: 'Add', inputs: ['xw', 'b'], outputs: ['y'] },
      ],
    };
    for (const rows of [1, 4]) {
      const x = ramp(rows * 3);
      const out = await runModel(graph, { x: [x, [rows, 3]] });
      const want: number[] = [];
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < 2; j++) want.push((b[j] as number) + [0, 1, 2].reduce((s, i) => s + (x[r * 3 + i] as number) * (W[i * 2 + j] as number), 0));
      expect(out.y?.dims).toEqual([rows, 2]);
      expectClose(out.y?.data as Float32Array, want);
    }
  });
});

/** The SurvkitError `run` throws (fails the test when it throws none or another error). */
function thrown(run: () => unknown): SurvkitError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(SurvkitError);
    return err as SurvkitError;
  }
  throw new Error('expected a SurvkitError');
}

/** A valid two-node graph to break one piece at a time. */
function base(): OnnxGraph {
  return {
    opset: 17,
    inputs: [{ name: 'x', dtype: 'float32', dims: ['n', 2] }],
    outputs: [{ name: 'y', dtype: 'float32', dims: ['n', 2] }],
    initializers: [{ name: 'b', dtype: 'float32', dims: [2], data: [1, 2] }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['h'] },
      { op: 'Add', inputs: ['h', 'b'], outputs: ['y'] },
    ],
  };
}

describe('encodeOnnxModel: malformed descriptions', () => {
  it('the valid base graph encodes', () => {
    expect(encodeOnnxModel(base()).length).toBeGreaterThan(0);
  });

  it('an opset outside 13 … 21 (onnxOpset)', () => {
    for (const opset of [12, 22, 17.5]) {
      const e = thrown(() => encodeOnnxModel({ ...base(), opset }));
      expect(e.code).toBe('onnxOpset');
      expect(e.message).toBe(messages.onnxOpset(FN, 'graph.opset', [13, 14, 15, 16, 17, 18, 19, 20, 21], opset));
      expect(e.message).toContain(`integer in 13 … 21; got ${opset}`);
    }
  });

  it('an empty op name (onnxOpName)', () => {
    const g = base();
    const e = thrown(() => encodeOnnxModel({ ...g, nodes: [g.nodes[0]!, { ...g.nodes[1]!, op: '' }] }));
    expect(e.code).toBe('onnxOpName');
    expect(e.message).toBe(messages.onnxOpName(FN, 'graph.nodes[1].op', ''));
    expect(e.message).toMatch(/^encodeOnnxModel: 'graph.nodes\[1\].op' must be a non-empty ONNX operator name/);
  });

  it('a node output produced twice, also when it is a graph input (onnxProducedTwice)', () => {
    const g = base();
    const twice = { ...g, nodes: [g.nodes[0]!, { op: 'Neg', inputs: ['x'], outputs: ['h'] }, g.nodes[1]!] };
    const e = thrown(() => encodeOnnxModel(twice));
    expect(e.code).toBe('onnxProducedTwice');
    expect(e.message).toBe(messages.onnxProducedTwice(FN, 'graph.nodes[1].outputs[0]', 'h', 'node 0 (Relu)'));
    expect(e.message).toContain(`'graph.nodes[1].outputs[0]' names the value "h", which node 0 (Relu) already produces`);
    const shadow = thrown(() => encodeOnnxModel({ ...g, nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['x'] }, g.nodes[1]!] }));
    expect(shadow.message).toBe(messages.onnxProducedTwice(FN, 'graph.nodes[0].outputs[0]', 'x', 'graph input 0'));
    const b = g.initializers![0]!;
    const twin = thrown(() => encodeOnnxModel({ ...g, initializers: [b, b] }));
    expect(twin.message).toBe(messages.onnxProducedTwice(FN, 'graph.initializers[1].name', 'b', 'initializer 0'));
  });

  it('a node input that nothing before it produces, naming the node index, op and input (onnxNodeInput)', () => {
    const g = base();
    const e = thrown(() => encodeOnnxModel({ ...g, nodes: [g.nodes[1]!, g.nodes[0]!] }));
    expect(e.code).toBe('onnxNodeInput');
    expect(e.message).toBe(messages.onnxNodeInput(FN, 'graph.nodes[0].inputs[0]', 0, 'Add', 'h'));
    expect(e.message).toMatch(/^encodeOnnxModel: node 0 \(Add\) reads "h" \('graph.nodes\[0\].inputs\[0\]'\), which is neither a graph input/);
  });

  it('a graph output that nothing produces (onnxGraphOutput)', () => {
    const e = thrown(() => encodeOnnxModel({ ...base(), outputs: [{ name: 'z', dtype: 'float32' }] }));
    expect(e.code).toBe('onnxGraphOutput');
    expect(e.message).toBe(messages.onnxGraphOutput(FN, 'graph.outputs[0].name', 'z'));
  });

  it('initializer data whose length is not the product of its dims (onnxTensorSize)', () => {
    const e = thrown(() => encodeOnnxModel({ ...base(), initializers: [{ name: 'b', dtype: 'float32', dims: [2, 2], data: [1, 2, 3] }] }));
    expect(e.code).toBe('onnxTensorSize');
    expect(e.message).toBe("encodeOnnxModel: 'graph.initializers[0].data' must hold 4 values (the product of dims [2, 2]); got 3");
    const scalar = thrown(() => encodeOnnxModel({ ...base(), initializers: [{ name: 'b', dtype: 'int64', dims: [], data: new BigInt64Array(2) }] }));
    expect(scalar.message).toBe(messages.onnxTensorSize(FN, 'graph.initializers[0].data', [], 1, 2));
  });

  it('an unknown dtype of an initializer or a graph input (onnxDType)', () => {
    const init = { name: 'b', dtype: 'float64', dims: [2], data: [1, 2] } as unknown as NonNullable<OnnxGraph['initializers']>[number];
    const e = thrown(() => encodeOnnxModel({ ...base(), initializers: [init] }));
    expect(e.code).toBe('onnxDType');
    expect(e.message).toBe(`encodeOnnxModel: 'graph.initializers[0].dtype' must be one of 'float32', 'int64'; got "float64"`);
    const input = { name: 'x', dtype: 'int8', dims: ['n', 2] } as unknown as OnnxGraph['inputs'][number];
    const v = thrown(() => encodeOnnxModel({ ...base(), inputs: [input] }));
    expect(v.message).toBe(messages.onnxDType(FN, 'graph.inputs[0].dtype', ['float32', 'int64', 'bool'], 'int8'));
  });

  it('a malformed attribute, dimension, data array or name (onnxGraphValue)', () => {
    const g = base();
    const withAttr = (attr: unknown): OnnxGraph => ({ ...g, nodes: [{ ...g.nodes[0]!, attrs: { a: attr as { i: number } } }, g.nodes[1]!] });
    const cases: [OnnxGraph, string, string, unknown][] = [
      [withAttr({ i: 1.5 }), 'graph.nodes[0].attrs.a.i', 'a safe integer', 1.5],
      [withAttr({ ints: [1, 2 ** 60] }), 'graph.nodes[0].attrs.a.ints[1]', 'a safe integer', 2 ** 60],
      [withAttr({ x: 1 }), 'graph.nodes[0].attrs.a', 'one of { i: integer }, { f: number }, { ints: integers }, { floats: numbers }, { s: string }', { x: 1 }],
      [{ ...g, inputs: [{ name: 'x', dtype: 'float32', dims: [-1, 2] }] }, 'graph.inputs[0].dims[0]', 'an integer >= 0 or a symbolic name', -1],
      [
        { ...g, initializers: [{ name: 'b', dtype: 'int64', dims: [2], data: new Float32Array(2) }] },
        'graph.initializers[0].data',
        'a BigInt64Array or an array of integers (dtype int64)',
        new Float32Array(2),
      ],
      [{ ...g, initializers: [{ name: '', dtype: 'float32', dims: [2], data: [1, 2] }] }, 'graph.initializers[0].name', 'a non-empty value name', ''],
    ];
    for (const [graph, arg, expected, got] of cases) {
      const e = thrown(() => encodeOnnxModel(graph));
      expect(e.code).toBe('onnxGraphValue');
      expect(e.arg).toBe(arg);
      expect(e.message).toBe(messages.onnxGraphValue(FN, arg, expected, got));
    }
  });
});
