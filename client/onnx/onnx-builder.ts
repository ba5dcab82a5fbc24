import onnxProto, { type onnx as proto } from 'onnx-proto';
import protobuf from 'protobufjs/minimal';

/**
 * A tiny ONNX graph builder over onnx-proto's static protobufjs classes:
 * nodes, initializers and typed graph inputs/outputs, then one encode.
 * Only what gpt-onnx.ts needs; no shape inference, no checker (onnxruntime
 * checks the graph when it creates a session).
 *
 * onnx-proto is CommonJS (`module.exports = $root`): the default import is
 * the one form that Node, Vite and esbuild (wrangler) all resolve the same.
 */
const { onnx } = onnxProto;

/** ONNX operator set 20 (ONNX 1.15): the first with Gelu(approximate='tanh'); ORT 1.31 runs up to 23. */
export const ONNX_OPSET = 20;
/** IR version 9 is the one ONNX 1.15 writes for opset 20. */
export const ONNX_IR_VERSION = 9;

const { FLOAT, INT64 } = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

/** An attribute, typed explicitly: a JS number alone cannot say int or float. */
export type AttrValue = { int: number } | { float: number } | { ints: number[] } | { string: string };

/** A dimension of a graph input/output: a size, or a name for a size chosen at run time. */
export type Dim = number | string;

export type ElemType = 'float32' | 'int64';

export class OnnxGraph {
  private readonly nodes: proto.INodeProto[] = [];
  private readonly initializers: proto.ITensorProto[] = [];
  private readonly inputs: proto.IValueInfoProto[] = [];
  private readonly outputs: proto.IValueInfoProto[] = [];
  private readonly names = new Set<string>();

  constructor(readonly name: string) {}

  /** Declares a graph input; returns its name. */
  input(name: string, elemType: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  /** Declares a node's output as a graph output. */
  output(value: string, elemType: ElemType, dims: Dim[]): void {
    if (!this.names.has(value)) throw new Error(`ONNX graph: no value '${value}' to output`);
    this.outputs.push(valueInfo(value, elemType, dims));
  }

  /** One node with one output; returns the output's name (`name`, or `<OpType>_<n>`). */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, name?: string): string {
    return this.opMulti(opType, inputs, 1, attrs, name)[0] as string;
  }

  /** One node with `count` outputs, named `<name>.0`, `<name>.1`, ... */
  opMulti(opType: string, inputs: string[], count: number, attrs: Record<string, AttrValue> = {}, name?: string) {
    const nodeName = name ?? `${opType}_${this.nodes.length}`;
    const output =
      count === 1 ? [this.claim(nodeName)] : Array.from({ length: count }, (_, i) => this.claim(`${nodeName}.${i}`));
    const attribute = Object.entries(attrs).map(([key, value]) => attributeProto(key, value));
    this.nodes.push({ name: nodeName, opType, input: inputs, output, attribute });
    return output;
  }

  /** A float32 initializer (weights, constants); returns its name. */
  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    checkSize(name, dims, values.length);
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    this.initializers.push({ name: this.claim(name), dims, dataType: FLOAT, rawData: bytes });
    return name;
  }

  /** An int64 initializer (shapes, axes, indices); returns its name. */
  int64s(name: string, dims: number[], values: number[]): string {
    checkSize(name, dims, values.length);
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i] as number), true);
    this.initializers.push({ name: this.claim(name), dims, dataType: INT64, rawData: bytes });
    return name;
  }

  /** The serialized ModelProto. */
  encode(meta: { producer: string; doc: string; metadata: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: meta.producer,
      docString: meta.doc,
      metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    // The plain Writer, not Writer.create(): where a Node Buffer exists (workerd with
    // nodejs_compat, as in the Worker tests) create() picks BufferWriter, whose
    // utf8Write overflows there; the plain one writes into a Uint8Array everywhere.
    return onnx.ModelProto.encode(model, new protobuf.Writer()).finish();
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph: the name '${name}' is already used`);
    this.names.add(name);
    return name;
  }
}

function checkSize(name: string, dims: number[], length: number): void {
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== length)
    throw new RangeError(`ONNX initializer '${name}': shape [${dims}] needs ${size} values, got ${length}`);
}

function valueInfo(name: string, elemType: ElemType, dims: Dim[]): proto.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: elemType === 'float32' ? FLOAT : INT64, shape: { dim } } } };
}

function attributeProto(name: string, value: AttrValue): proto.IAttributeProto {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
}
