/**
 * A minimal Parquet writer for tests (written from the Parquet format specification, apache/parquet-format
 * `parquet.thrift`): REQUIRED DOUBLE and INT32 columns, PLAIN encoding, no compression, one data page per column
 * chunk, any number of row groups; metadata in the Thrift compact protocol. Independent of hyparquet, so reading
 * its files with survkit's reader checks the reader against the specification.
 */
import { writeFileSync } from 'node:fs';

class Out {
  bytes: number[] = [];
  varint(v: number): void {
    let x = v;
    while (x >= 0x80) {
      this.bytes.push((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    this.bytes.push(x);
  }
  zigzag(v: number): void {
    this.varint(v >= 0 ? 2 * v : -2 * v - 1);
  }
}

type Value =
  { t: 'i32'; v: number } | { t: 'i64'; v: number } | { t: 'str'; v: string } | { t: 'list'; elem: 'i32' | 'str' | 'struct'; items: Value[] } | Struct;
type Struct = { t: 'struct'; fields: [number, Value][] };

const TYPE = { i32: 5, i64: 6, str: 8, list: 9, struct: 12 } as const;

function writeValue(o: Out, v: Value): void {
  if (v.t === 'i32' || v.t === 'i64') o.zigzag(v.v);
  else if (v.t === 'str') {
    const b = Buffer.from(v.v, 'utf8');
    o.varint(b.length);
    o.bytes.push(...b);
  } else if (v.t === 'list') {
    const n = v.items.length;
    if (n < 15) o.bytes.push((n << 4) | TYPE[v.elem]);
    else {
      o.bytes.push(0xf0 | TYPE[v.elem]);
      o.varint(n);
    }
    for (const it of v.items) writeValue(o, it);
  } else {
    let last = 0;
    for (const [id, fv] of v.fields) {
      const delta = id - last;
      if (delta > 0 && delta <= 15) o.bytes.push((delta << 4) | TYPE[fv.t]);
      else {
        o.bytes.push(TYPE[fv.t]);
        o.zigzag(id);
      }
      writeValue(o, fv);
      last = id;
    }
    o.bytes.push(0);
  }
}

const i32 = (v: number): Value => ({ t: 'i32', v });
const i64 = (v: number): Value => ({ t: 'i64', v });
const str = (v: string): Value => ({ t: 'str', v });
const struct = (...fields: [number, Value][]): Struct => ({ t: 'struct', fields });
const thrift = (v: Value): Buffer => {
  const o = new Out();
  writeValue(o, v);
  return Buffer.from(o.bytes);
};

export interface TestColumn {
  name: string;
  type: 'double' | 'int32';
  values: ArrayLike<number>;
}

/** Writes a Parquet file of the given columns (all of one length) in row groups of `rowGroupSize` rows; `codec` is written into the metadata only. */
export function writeTestParquet(path: string, columns: readonly TestColumn[], rowGroupSize = 1 << 20, opts: { codec?: number } = {}): void {
  const n = (columns[0] as TestColumn).values.length;
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const groups: Struct[] = [];
  for (let start = 0; start < n; start += rowGroupSize) {
    const rows = Math.min(rowGroupSize, n - start);
    const chunks: Value[] = [];
    let groupBytes = 0;
    for (const c of columns) {
      const width = c.type === 'double' ? 8 : 4;
      const data = Buffer.alloc(rows * width);
      for (let i = 0; i < rows; i++) {
        const v = c.values[start + i] as number;
        if (c.type === 'double') data.writeDoubleLE(v, i * width);
        else data.writeInt32LE(v, i * width);
      }
      // PageHeader: type DATA_PAGE, sizes, DataPageHeader(num_values, PLAIN, RLE, RLE)
      const header = thrift(
        struct([1, i32(0)], [2, i32(data.length)], [3, i32(data.length)], [5, struct([1, i32(rows)], [2, i32(0)], [3, i32(3)], [4, i32(3)])]),
      );
      const pageOffset = offset;
      parts.push(header, data);
      offset += header.length + data.length;
      const size = header.length + data.length;
      groupBytes += size;
      const meta = struct(
        [1, i32(c.type === 'double' ? 5 : 1)],
        [2, { t: 'list', elem: 'i32', items: [i32(0)] }],
        [3, { t: 'list', elem: 'str', items: [str(c.name)] }],
        [4, i32(opts.codec ?? 0)], // 0 UNCOMPRESSED (a test may claim another codec for uncompressed pages)
        [5, i64(rows)],
        [6, i64(size)],
        [7, i64(size)],
        [9, i64(pageOffset)],
      );
      chunks.push(struct([2, i64(pageOffset)], [3, meta]));
    }
    groups.push(struct([1, { t: 'list', elem: 'struct', items: chunks }], [2, i64(groupBytes)], [3, i64(rows)]));
  }
  const schema: Value[] = [struct([4, str('schema')], [5, i32(columns.length)])];
  for (const c of columns) schema.push(struct([1, i32(c.type === 'double' ? 5 : 1)], [3, i32(0)], [4, str(c.name)]));
  const footer = thrift(
    struct(
      [1, i32(1)],
      [2, { t: 'list', elem: 'struct', items: schema }],
      [3, i64(n)],
      [4, { t: 'list', elem: 'struct', items: groups }],
      [6, str('survkit test writer')],
    ),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(footer.length, 0);
  parts.push(footer, len, Buffer.from('PAR1'));
  writeFileSync(path, Buffer.concat(parts));
}
