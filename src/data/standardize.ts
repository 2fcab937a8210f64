import { survkitError } from '../core/errors.js';

/** One covariate of a {@link Standardizer}: x ↦ (x − mean) / std when `standardized`, else as it is. */
export interface StandardizerColumn {
  name: string;
  standardized: boolean;
  /** Training mean (0 when left as is). */
  mean: number;
  /** Training population standard deviation, 1 when it is (nearly) 0 (1 when left as is). */
  std: number;
}

/** The JSON form of a {@link Standardizer} (stored with trained models). */
export interface StandardizerJSON {
  type: 'Standardizer';
  columns: StandardizerColumn[];
}

/**
 * Covariate standardisation as in pycox's example notebooks: a column with
 * exactly two distinct values among the training rows (a binary covariate) is
 * left as it is; every other column becomes (x − μ) / σ with the training mean
 * μ and the population standard deviation σ (ddof 0, scikit-learn's
 * `StandardScaler`; σ = 1 when it is below 10·ε, i.e. the column is constant). Statistics in float64.
 *
 * Data are row-major `n × d` arrays; `rows` selects the training rows.
 *
 * @example
 * const s = Standardizer.fit(['age', 'treated'], Float64Array.from([50, 1, 70, 0, 60, 1]), [0, 1, 2]);
 * s.columns[0]; // { name: 'age', standardized: true, mean: 60, std: 8.16… }
 * s.transform(Float64Array.from([60, 1]), 1); // Float32Array [0, 1]
 * @throws {SurvkitError} (fit) with no training rows or data whose length is not a multiple of the column count
 * @see Kvamme, Borgan & Scheel (2019) JMLR 20(129), code examples; scikit-learn `StandardScaler`
 */
export class Standardizer {
  readonly columns: readonly StandardizerColumn[];

  private constructor(columns: readonly StandardizerColumn[]) {
    this.columns = Object.freeze(columns.map((c) => Object.freeze({ ...c })));
  }

  /** Fits the column statistics on the rows `rows` (default: all) of the row-major `x`. */
  static fit(names: readonly string[], x: ArrayLike<number>, rows?: ArrayLike<number>): Standardizer {
    const fn = 'Standardizer.fit';
    const d = names.length;
    if (d === 0 || x.length % d !== 0) throw survkitError('rowMajorWidth', fn, 'x', d, x.length);
    const n = x.length / d;
    const idx = rows ?? Int32Array.from({ length: n }, (_, i) => i);
    if (idx.length === 0) throw survkitError('empty', fn, 'rows');
    const columns = names.map((name, j) => {
      let sum = 0;
      const distinct = new Set<number>();
      for (let r = 0; r < idx.length; r++) {
        const v = x[(idx[r] as number) * d + j] as number;
        sum += v;
        if (distinct.size <= 2) distinct.add(v);
      }
      if (distinct.size === 2) return { name, standardized: false, mean: 0, std: 1 };
      const mean = sum / idx.length;
      let ss = 0;
      for (let r = 0; r < idx.length; r++) {
        const dv = (x[(idx[r] as number) * d + j] as number) - mean;
        ss += dv * dv;
      }
      const std = Math.sqrt(ss / idx.length);
      // scikit-learn's rule: a scale below 10·eps counts as 0 and becomes 1
      return { name, standardized: true, mean, std: std < 10 * Number.EPSILON ? 1 : std };
    });
    return new Standardizer(columns);
  }

  /** Standardised copy of the row-major `x` (n × d) as float32, the network's input type. */
  transform(x: ArrayLike<number>, n: number): Float32Array {
    const d = this.columns.length;
    if (x.length !== n * d) throw survkitError('rowMajorSize', 'Standardizer.transform', 'x', n, d, x.length);
    const out = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const c = this.columns[j] as StandardizerColumn;
        const v = x[i * d + j] as number;
        out[i * d + j] = c.standardized ? (v - c.mean) / c.std : v;
      }
    }
    return out;
  }

  /** Names of the standardised and of the left-as-is columns. */
  summary(): { standardized: string[]; leftAsIs: string[] } {
    return {
      standardized: this.columns.filter((c) => c.standardized).map((c) => c.name),
      leftAsIs: this.columns.filter((c) => !c.standardized).map((c) => c.name),
    };
  }

  toJSON(): StandardizerJSON {
    return { type: 'Standardizer', columns: this.columns.map((c) => ({ ...c })) };
  }

  /**
   * Rebuilds a standardizer from {@link Standardizer.toJSON} output.
   *
   * @throws {SurvkitError} when `json` is not a standardizer's JSON
   */
  static fromJSON(json: unknown): Standardizer {
    const j = json as Partial<StandardizerJSON> | null;
    const ok =
      j !== null &&
      typeof j === 'object' &&
      j.type === 'Standardizer' &&
      Array.isArray(j.columns) &&
      j.columns.every(
        (c) => typeof c.name === 'string' && typeof c.standardized === 'boolean' && Number.isFinite(c.mean) && Number.isFinite(c.std) && c.std > 0,
      );
    if (!ok) throw survkitError('savedJson', 'Standardizer.fromJSON', 'json', 'Standardizer', json);
    return new Standardizer(j.columns as StandardizerColumn[]);
  }
}
