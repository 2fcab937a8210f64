import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { covariatesFromTable, getColumn, labelsFromTable, type DataFrameLike } from '../../src/data/adapters.js';
import { asLabels } from '../../src/data/labels.js';
import { messages } from '../../src/core/messages.js';

/** A tiny stand-in shaped like danfo.js's DataFrame: `columns` + `column(name).values` (+ row `values`). */
class FakeDanfoFrame implements DataFrameLike {
  readonly columns: string[];
  constructor(private readonly data: Record<string, unknown[]>) {
    this.columns = Object.keys(data);
  }
  column(name: string): { values: unknown[] } {
    const v = this.data[name];
    if (v === undefined) throw new Error(`danfo: column ${name} does not exist`);
    return { values: v };
  }
  get values(): unknown[][] {
    const n = (this.data[this.columns[0] as string] as unknown[]).length;
    return Array.from({ length: n }, (_, i) => this.columns.map((c) => (this.data[c] as unknown[])[i]));
  }
}

describe('labelsFromTable', () => {
  it('column object (default names) and the doc example (row records with custom names)', () => {
    const a = labelsFromTable({ time: [3, 5], event: [1, 0] });
    expect(Array.from(a.time)).toEqual([3, 5]);
    expect(Array.from(a.event)).toEqual([1, 0]);
    const b = labelsFromTable(
      [
        { t: 3, e: 1 },
        { t: 5, e: 0 },
      ],
      { time: 't', event: 'e' },
    );
    expect(Array.from(b.time)).toEqual([3, 5]);
    expect(Array.from(b.event)).toEqual([1, 0]);
    expect(asLabels('f', 'labels', b)).toBe(b);
  });

  it('column object with typed arrays and boolean events', () => {
    const y = labelsFromTable({ duration: new Float32Array([1.5, 2]), dead: [true, false] }, { time: 'duration', event: 'dead' });
    expect(Array.from(y.time)).toEqual([1.5, 2]);
    expect(Array.from(y.event)).toEqual([1, 0]);
  });

  it('DataFrame-like with column(name).values (danfo.js shape)', () => {
    const df = new FakeDanfoFrame({ id: ['a', 'b', 'c'], duration: [4, 1, 2], status: [0, 1, 1] });
    const y = labelsFromTable(df, { time: 'duration', event: 'status' });
    expect(Array.from(y.time)).toEqual([4, 1, 2]);
    expect(Array.from(y.event)).toEqual([0, 1, 1]);
  });

  it('DataFrame-like with columns + row values only', () => {
    const df = {
      columns: ['event', 'time'],
      values: [
        [1, 10],
        [0, 20],
      ],
    };
    const y = labelsFromTable(df);
    expect(Array.from(y.time)).toEqual([10, 20]);
    expect(Array.from(y.event)).toEqual([1, 0]);
  });

  it('a real danfo.js DataFrame (danfojs-node devDependency)', async () => {
    const dfd = await import('danfojs-node');
    const df = new dfd.DataFrame({ time: [3, 5, 2], event: [1, 0, 1], x: [0.1, 0.2, 0.3] });
    const y = labelsFromTable(df);
    expect(Array.from(y.time)).toEqual([3, 5, 2]);
    expect(Array.from(y.event)).toEqual([1, 0, 1]);
    expect(() => labelsFromTable(df as unknown as DataFrameLike, { time: 'T' })).toThrow(
      messages.unknownColumn('labelsFromTable', 'T', ['time', 'event', 'x']),
    );
  });

  it('unknown column errors list the available names', () => {
    expect(() => labelsFromTable({ time: [1], status: [1] })).toThrow(messages.unknownColumn('labelsFromTable', 'event', ['time', 'status']));
    expect(() => labelsFromTable([{ t: 1, e: 1 }])).toThrow(messages.unknownColumn('labelsFromTable', 'time', ['t', 'e']));
    expect(() => labelsFromTable(new FakeDanfoFrame({ time: [1], e: [1] }))).toThrow(messages.unknownColumn('labelsFromTable', 'event', ['time', 'e']));
    // inherited properties are not columns
    expect(() => labelsFromTable({ time: [1], event: [1] }, { time: 'constructor' })).toThrow(
      messages.unknownColumn('labelsFromTable', 'constructor', ['time', 'event']),
    );
  });

  it('value errors come from survivalLabels in the name of labelsFromTable', () => {
    expect(() => labelsFromTable({ time: [1, 2], event: [1] })).toThrow(messages.lengthMismatch('labelsFromTable', 'time', 2, 'event', 1));
    expect(() =>
      labelsFromTable([
        { time: 1, event: 1 },
        { time: -1, event: 0 },
      ]),
    ).toThrow(messages.negative('labelsFromTable', 'time', 1, -1));
    expect(() => labelsFromTable([{ time: 1, event: 1 }, { event: 0 }])).toThrow(messages.notNumber('labelsFromTable', 'time', 1, undefined));
    expect(() => labelsFromTable({ time: [1], event: [0.5] })).toThrow(messages.badEventCode('labelsFromTable', 'event', 0, 0.5));
    expect(() => labelsFromTable([])).toThrow(messages.empty('labelsFromTable', 'time'));
    expect(() => labelsFromTable({ time: 5, event: [1] } as never)).toThrow(messages.notArray('labelsFromTable', 'time', 5));
  });

  it('non-table input and DataFrame-like without data', () => {
    expect(() => labelsFromTable(null as never)).toThrow(messages.notTable('labelsFromTable', 'table', null));
    const df = { columns: ['time', 'event'] };
    expect(() => labelsFromTable(df)).toThrow(messages.dataFrameAccess('labelsFromTable', 'table', df));
  });
});

describe('getColumn', () => {
  it('the doc example, in the name of the caller', () => {
    expect(getColumn('myFn', { t: [1, 2], e: [1, 0] }, 't')).toEqual([1, 2]);
    expect(() => getColumn('myFn', { t: [1] }, 'x')).toThrow(messages.unknownColumn('myFn', 'x', ['t']));
  });
});

describe('adapters properties (fast-check)', () => {
  it('column object, row records and DataFrame-like give the same labels', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 40 }), (rows) => {
        const time = rows.map((r) => r[0]);
        const event = rows.map((r) => r[1]);
        const a = labelsFromTable({ time, event });
        const b = labelsFromTable(rows.map(([t, e]) => ({ time: t, event: e })));
        const c = labelsFromTable(new FakeDanfoFrame({ event, time }));
        const d = labelsFromTable({ columns: ['time', 'event'], values: rows.map(([t, e]) => [t, e]) });
        for (const y of [b, c, d]) {
          expect(Array.from(y.time)).toEqual(Array.from(a.time));
          expect(Array.from(y.event)).toEqual(Array.from(a.event));
        }
        expect(Array.from(a.time)).toEqual(time);
      }),
    );
  });
});

describe('covariatesFromTable', () => {
  it('reads the named columns into a row-major n × d matrix, from columns, records and a danfo.js DataFrame', async () => {
    const cols = covariatesFromTable({ age: [60, 71], size: [2.5, 1], grade: [true, false] }, ['size', 'age', 'grade']);
    expect(cols).toEqual({ values: Float32Array.from([2.5, 60, 1, 1, 71, 0]), n: 2, d: 3, columns: ['size', 'age', 'grade'] });
    const recs = covariatesFromTable(
      [
        { time: 1, event: 1, a: 3, b: 4 },
        { time: 2, event: 0, a: 5, b: 6 },
      ],
      undefined,
      { exclude: ['time', 'event'] },
    );
    expect(Array.from(recs.values)).toEqual([3, 4, 5, 6]);
    expect(recs.columns).toEqual(['a', 'b']);
    const dfd = await import('danfojs-node');
    const df = new dfd.DataFrame({ time: [3, 5, 2], event: [1, 0, 1], x1: [0.1, 0.2, 0.3], x2: [7, 8, 9] });
    const fromDf = covariatesFromTable(df, undefined, { exclude: ['time', 'event'] });
    expect(fromDf.columns).toEqual(['x1', 'x2']);
    expect(Array.from(fromDf.values)).toEqual([0.1, 7, 0.2, 8, 0.3, 9].map(Math.fround));
  });

  it('names the column and row of a bad value; rejects missing columns and ragged columns', () => {
    expect(() => covariatesFromTable({ a: [1, 'x'] })).toThrow(messages.notNumber('covariatesFromTable', 'a', 1, 'x'));
    expect(() => covariatesFromTable({ a: [1, 2], b: [0, Number.NaN] })).toThrow(messages.notFinite('covariatesFromTable', 'b', 1, Number.NaN));
    expect(() => covariatesFromTable({ a: [1, 2] }, ['a', 'z'])).toThrow(messages.unknownColumn('covariatesFromTable', 'z', ['a']));
    expect(() => covariatesFromTable({ a: [1, 2], b: [1] })).toThrow(messages.lengthMismatch('covariatesFromTable', 'b', 1, 'a', 2));
    expect(() => covariatesFromTable({ time: [1] }, undefined, { exclude: ['time'] })).toThrow(
      /covariatesFromTable: 'columns' must be at least one covariate column/,
    );
    expect(() => covariatesFromTable({ time: [1] }, [])).toThrow(messages.noCovariates('covariatesFromTable', 'columns'));
    expect(() => covariatesFromTable(null as never)).toThrow(messages.notTable('covariatesFromTable', 'table', null));
  });
});
