/**
 * The ONNX protobuf messages survkit writes, declared with protobufjs' reflection API from the field numbers and types of the
 * official onnx.proto (proto2, package `onnx`): ModelProto, GraphProto, NodeProto, AttributeProto (with AttributeType),
 * TensorProto (with DataType), ValueInfoProto, TypeProto.Tensor, TensorShapeProto.Dimension and OperatorSetIdProto — the fields
 * survkit needs, plus a few it may read back. Fields not declared here are skipped when a model is decoded.
 */
import protobuf from 'protobufjs/light.js';

/** A repeated field; proto2 repeated scalars are unpacked unless onnx.proto marks them `[packed = true]`. */
const repeated = (type: string, id: number, packed?: boolean) => ({ rule: 'repeated', type, id, ...(packed === true ? { options: { packed: true } } : {}) });

/** The messages of onnx.proto survkit writes, with their field numbers (the subset of their fields survkit needs or may read back). */
const ONNX_MESSAGES = {
  AttributeProto: {
    fields: {
      name: { type: 'string', id: 1 },
      ref_attr_name: { type: 'string', id: 21 },
      doc_string: { type: 'string', id: 13 },
      type: { type: 'AttributeType', id: 20 },
      f: { type: 'float', id: 2 },
      i: { type: 'int64', id: 3 },
      s: { type: 'bytes', id: 4 },
      t: { type: 'TensorProto', id: 5 },
      g: { type: 'GraphProto', id: 6 },
      floats: repeated('float', 7),
      ints: repeated('int64', 8),
      strings: repeated('bytes', 9),
      tensors: repeated('TensorProto', 10),
      graphs: repeated('GraphProto', 11),
    },
    nested: {
      AttributeType: {
        values: {
          UNDEFINED: 0,
          FLOAT: 1,
          INT: 2,
          STRING: 3,
          TENSOR: 4,
          GRAPH: 5,
          SPARSE_TENSOR: 11,
          TYPE_PROTO: 13,
          FLOATS: 6,
          INTS: 7,
          STRINGS: 8,
          TENSORS: 9,
          GRAPHS: 10,
          SPARSE_TENSORS: 12,
          TYPE_PROTOS: 14,
        },
      },
    },
  },
  ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 }, doc_string: { type: 'string', id: 3 } } },
  NodeProto: {
    fields: {
      input: repeated('string', 1),
      output: repeated('string', 2),
      name: { type: 'string', id: 3 },
      op_type: { type: 'string', id: 4 },
      domain: { type: 'string', id: 7 },
      attribute: repeated('AttributeProto', 5),
      doc_string: { type: 'string', id: 6 },
    },
  },
  ModelProto: {
    fields: {
      ir_version: { type: 'int64', id: 1 },
      opset_import: repeated('OperatorSetIdProto', 8),
      producer_name: { type: 'string', id: 2 },
      producer_version: { type: 'string', id: 3 },
      domain: { type: 'string', id: 4 },
      model_version: { type: 'int64', id: 5 },
      doc_string: { type: 'string', id: 6 },
      graph: { type: 'GraphProto', id: 7 },
    },
  },
  GraphProto: {
    fields: {
      node: repeated('NodeProto', 1),
      name: { type: 'string', id: 2 },
      initializer: repeated('TensorProto', 5),
      doc_string: { type: 'string', id: 10 },
      input: repeated('ValueInfoProto', 11),
      output: repeated('ValueInfoProto', 12),
      value_info: repeated('ValueInfoProto', 13),
    },
  },
  TensorProto: {
    fields: {
      dims: repeated('int64', 1),
      data_type: { type: 'int32', id: 2 },
      float_data: repeated('float', 4, true),
      int32_data: repeated('int32', 5, true),
      string_data: repeated('bytes', 6),
      int64_data: repeated('int64', 7, true),
      name: { type: 'string', id: 8 },
      doc_string: { type: 'string', id: 12 },
      raw_data: { type: 'bytes', id: 9 },
      double_data: repeated('double', 10, true),
      uint64_data: repeated('uint64', 11, true),
    },
    nested: {
      DataType: {
        values: {
          UNDEFINED: 0,
          FLOAT: 1,
          UINT8: 2,
          INT8: 3,
          UINT16: 4,
          INT16: 5,
          INT32: 6,
          INT64: 7,
          STRING: 8,
          BOOL: 9,
          FLOAT16: 10,
          DOUBLE: 11,
          UINT32: 12,
          UINT64: 13,
          COMPLEX64: 14,
          COMPLEX128: 15,
          BFLOAT16: 16,
        },
      },
    },
  },
  TensorShapeProto: {
    fields: { dim: repeated('Dimension', 1) },
    nested: {
      Dimension: {
        oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
        fields: { dim_value: { type: 'int64', id: 1 }, dim_param: { type: 'string', id: 2 }, denotation: { type: 'string', id: 3 } },
      },
    },
  },
  TypeProto: {
    oneofs: { value: { oneof: ['tensor_type'] } },
    fields: { tensor_type: { type: 'Tensor', id: 1 }, denotation: { type: 'string', id: 6 } },
    nested: { Tensor: { fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } } },
  },
  OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
};

/**
 * Package `onnx`, proto2 like onnx.proto: fields set to their default value are still written (explicit presence), and repeated
 * scalars are unpacked unless marked packed. (protobufjs reads types from JSON as proto3 unless told otherwise.)
 */
const ONNX_PROTO = {
  nested: { onnx: { nested: Object.fromEntries(Object.entries(ONNX_MESSAGES).map(([name, json]) => [name, { edition: 'proto2', ...json }])) } },
};

let root: protobuf.Root | undefined;

/**
 * The protobufjs root holding the `onnx.*` messages that `encodeOnnxModel` (onnx-model.ts) writes, built on first use; e.g.
 * `onnxProtoRoot().lookupType('onnx.ModelProto').decode(bytes)` reads a model back.
 */
export function onnxProtoRoot(): protobuf.Root {
  root ??= protobuf.Root.fromJSON(ONNX_PROTO);
  return root;
}
