/** `--format json` is written in pieces: joined, they are the one-string report, and no piece is much larger than asked. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatJson, formatJsonPieces, formatJsonValue } from '../../src/cli/format.js';
import { evaluateFile } from '../../src/report/evaluate.js';

describe('formatJsonPieces', () => {
  it('joins to formatJson on a real report', () => {
    const report = evaluateFile('datasets/example-predictions.csv', { train: 'datasets/example-train.csv', grid: 50 });
    expect([...formatJsonPieces(report, 64)].join('')).toBe(formatJson(report));
  });
  it('writes a report with 100 000 per-subject numbers in pieces of about the asked size', () => {
    const risk = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i));
    const value = { meta: { n: risk.length }, perSubject: { risk, flags: Array.from(risk, (x) => x > 0) } };
    const pieces = [...formatJsonPieces(value, 1 << 16)];
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(2 * (1 << 16));
    expect(pieces.join('')).toBe(formatJsonValue(value));
    expect(JSON.parse(pieces.join(''))).toEqual({ meta: { n: risk.length }, perSubject: { risk: Array.from(risk), flags: Array.from(risk, (x) => x > 0) } });
  });
  it('gives the layout of JSON.stringify’s values for any nested value (NaN and ±Infinity as null)', () => {
    const leaf = fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(tree, fc.integer({ min: 1, max: 40 }), (v, bytes) => {
        const text = [...formatJsonPieces(v, bytes)].join('');
        expect(text).toBe(formatJsonValue(v));
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v) ?? 'null'));
      }),
    );
  });
});
