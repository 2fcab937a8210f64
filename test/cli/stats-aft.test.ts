/**
 * `survkit stats aft`: flags, output keys and numbers equal to R survreg (test/fixtures/stats/survreg_linear_R.json;
 * the CSV written here holds a fixture case's inputs, the veteran factor as text).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStats } from '../../src/cli/stats.js';

const dir = join(tmpdir(), `survkit-stats-aft-${process.pid}`);
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  data: string;
  dist: string;
  features: string[];
  names: string[];
  coef: number[];
  se: number[];
  p: number[];
  scale: number;
  loglik: number[];
  chisq: number;
  time: number[];
  event: number[];
  columns: Record<string, (number | string)[]>;
}
const { cases } = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats/survreg_linear_R.json'), 'utf8')) as { cases: Case[] };
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runStats(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  if (typeof code !== 'number') throw new Error('runStats returned a promise');
  return { code, out, err };
}

const vet = cases.find((c) => c.data === 'veteran' && c.dist === 'lognormal') as Case;
const csv = join(dir, 'veteran.csv');
writeFileSync(
  csv,
  [
    ['id', 'days', 'status', ...vet.features].join(','),
    ...vet.time.map((t, i) => [i + 1, t, vet.event[i], ...vet.features.map((f) => vet.columns[f]?.[i])].join(',')),
    `999,NA,1,${vet.features.map(() => '1').join(',')}`,
  ].join('\n') + '\n',
);

describe('survkit stats aft', () => {
  it('gives R survreg numbers in JSON (--exclude, --dist), the factor encoded as R does, NA rows dropped', () => {
    const r = run(['aft', '--data', csv, '--duration-col', 'days', '--event-col', 'status', '--exclude', 'id', '--dist', 'lognormal', '--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      dist: string;
      coefficients: { name: string; coef: number; se: number; z: number; p: number }[];
      scale: number;
      loglik: number[];
      tests: { likelihoodRatio: { statistic: number; df: number; p: number } };
      n: number;
      dropped: number;
    };
    expect(j.dist).toBe('lognormal');
    expect(j.dropped).toBe(1);
    expect(j.coefficients.map((c) => c.name)).toEqual(vet.names);
    j.coefficients.forEach((c, k) => {
      expect(rel(c.coef, vet.coef[k] as number)).toBeLessThan(1e-8);
      expect(rel(c.se, vet.se[k] as number)).toBeLessThan(1e-8);
    });
    expect(rel(j.scale, vet.scale)).toBeLessThan(1e-8);
    expect(rel(j.loglik[1] as number, vet.loglik[1] as number)).toBeLessThan(1e-8);
    expect(rel(j.tests.likelihoodRatio.statistic, vet.chisq)).toBeLessThan(1e-7);
  });

  it('prints the survreg table with --features (Weibull by default)', () => {
    const r = run(['aft', '--data', csv, '--duration-col', 'days', '--event-col', 'status', '--features', 'karno,age']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Accelerated failure time regression (weibull): n = 137, events = 128 (1 row with missing values dropped)');
    for (const label of ['(Intercept)', 'karno', 'age', 'Log(scale)', 'Std. Error', 'Scale = ', 'Chisq = ']) expect(r.out).toContain(label);
  });

  it('usage errors: --features with --exclude, an unknown --exclude column, an unknown --dist', () => {
    const base = ['aft', '--data', csv, '--duration-col', 'days', '--event-col', 'status'];
    const a = run([...base, '--features', 'age', '--exclude', 'id']);
    expect(a.code).toBe(2);
    expect(a.err).toContain('--features and --exclude cannot be used together');
    const b = run([...base, '--exclude', 'nope']);
    expect(b.code).toBe(2);
    expect(b.err).toContain('--exclude names a column that is not in the table: "nope"');
    const c = run([...base, '--dist', 'gamma']);
    expect(c.code).toBe(2);
    expect(c.err).toContain('--dist');
  });
});

describe('survkit stats cox --exclude', () => {
  it('drops the excluded columns from the default covariates', () => {
    const r = run(['cox', '--data', csv, '--duration-col', 'days', '--event-col', 'status', '--exclude', 'id,celltype,diagtime,prior,trt', '--format', 'json']);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out) as { coefficients: { name: string }[] };
    expect(j.coefficients.map((c) => c.name)).toEqual(['karno', 'age']);
  });
});
