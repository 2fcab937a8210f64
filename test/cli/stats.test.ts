/**
 * `survkit stats cox|logrank`: flags, output keys and numbers equal to the R
 * fixtures (the CSV written here holds a fixture's inputs).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runStats } from '../../src/cli/stats.js';

const dir = join(tmpdir(), `survkit-stats-cli-${process.pid}`);
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fx = (f: string): { cases: Record<string, Record<string, unknown>> } =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/stats', f), 'utf8')) as { cases: Record<string, Record<string, unknown>> };
const cox = fx('coxph_R.json').cases;
const lr = fx('logrank_R.json').cases;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runStats(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  if (typeof code !== 'number') throw new Error('runStats returned a promise without --plot');
  return { code, out, err };
}

async function runAsync(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runStats(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

// veteran: the celltype factor as text, so the CLI does the treatment-contrast encoding itself
const vet = cox.veteran_efron as { time: number[]; event: number[]; x: number[][]; names: string[]; coef: number[]; se: number[]; concordance: number };
const cellOf = (r: number[]): string => (r[2] === 1 ? 'smallcell' : r[3] === 1 ? 'adeno' : r[4] === 1 ? 'large' : 'squamous');
const vetCsv = join(dir, 'veteran.csv');
writeFileSync(
  vetCsv,
  [
    'time,status,trt,karno,celltype,diagtime,age,prior',
    ...vet.time.map((t, i) => {
      const r = vet.x[i] as number[];
      return [t, vet.event[i], r[0], r[1], cellOf(r), r[5], r[6], r[7]].join(',');
    }),
  ].join('\n') + '\n',
);
const lung = lr.lung_sex as { time: number[]; event: number[]; groups: number[]; statistic: number; p: number; observed: number[]; expected: number[] };
const lungCsv = join(dir, 'lung.csv');
writeFileSync(lungCsv, ['time,event,sex', ...lung.time.map((t, i) => `${t},${lung.event[i]},${lung.groups[i]}`), '5,NA,1'].join('\n') + '\n');

describe('survkit stats cox', () => {
  it('gives R coxph numbers in JSON, encoding the factor as R does', () => {
    const r = run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'status', '--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      coefficients: { name: string; coef: number; se: number }[];
      concordance: number;
      tests: Record<string, unknown>;
      loglik: number[];
    };
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['coefficients', 'loglik', 'tests', 'concordance']));
    expect(Object.keys(j.tests)).toEqual(['wald', 'score', 'likelihoodRatio']);
    // sorted levels: adeno is the reference here (R used squamous), so compare the covariates that do not depend on it
    for (const name of ['trt', 'karno', 'diagtime', 'age', 'prior']) {
      const k = vet.names.indexOf(name);
      const row = j.coefficients.find((c) => c.name === name);
      expect(rel(row?.coef as number, vet.coef[k] as number)).toBeLessThan(1e-8);
      expect(rel(row?.se as number, vet.se[k] as number)).toBeLessThan(1e-8);
    }
    expect(j.coefficients.map((c) => c.name)).toEqual(['trt', 'karno', 'celltypelarge', 'celltypesmallcell', 'celltypesquamous', 'diagtime', 'age', 'prior']);
    expect(rel(j.concordance, vet.concordance)).toBeLessThan(1e-12);
  });

  it('--ties exact gives R coxph(ties = "exact") numbers; phTest equals R cox.zph with the factor as one term', () => {
    const ex = cox.veteran_exact as { names: string[]; coef: number[]; se: number[]; loglik: number[] };
    const feats = ['--features', 'trt,karno,celltype,age'];
    const r = run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'status', ...feats, '--ties', 'exact', '--format', 'json']);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out) as { ties: string; loglik: number[]; coefficients: { name: string; coef: number; se: number }[] };
    expect(j.ties).toBe('exact');
    for (const name of ['trt', 'karno', 'age']) {
      const k = ex.names.indexOf(name);
      const row = j.coefficients.find((c) => c.name === name);
      expect(rel(row?.coef as number, ex.coef[k] as number)).toBeLessThan(1e-8);
      expect(rel(row?.se as number, ex.se[k] as number)).toBeLessThan(1e-8);
    }
    expect(rel(j.loglik[1] as number, ex.loglik[1] as number)).toBeLessThan(1e-8);

    const zph = fx('cox_zph_R.json').cases.veteran_factor as { zphTerms: { name: string; chisq: number; df: number; p: number }[] };
    const e = run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'status', ...feats, '--format', 'json']);
    const ph = (
      JSON.parse(e.out) as {
        phTest: { transform: string; covariates: { name: string; chisq: number; df: number; p: number }[]; global: { chisq: number; df: number; p: number } };
      }
    ).phTest;
    expect(ph.transform).toBe('km');
    const rows = [...ph.covariates, { name: 'GLOBAL', ...ph.global }];
    expect(rows.map((t) => t.name)).toEqual(zph.zphTerms.map((t) => t.name));
    rows.forEach((t, i) => {
      expect(t.df).toBe(zph.zphTerms[i]?.df);
      expect(rel(t.chisq, zph.zphTerms[i]?.chisq as number)).toBeLessThan(1e-8);
      expect(rel(t.p, zph.zphTerms[i]?.p as number)).toBeLessThan(1e-8);
    });
    const table = run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'status', ...feats, '--ph-transform', 'rank']).out;
    expect(table).toMatch(/Proportional-hazards test \(cox.zph, transform rank\)/);
    expect(table).toMatch(/^celltype +[0-9.]+ +3 /m);
  });

  it('prints a table, with --robust a robust se column', () => {
    const r = run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'status', '--features', 'karno,age', '--ties', 'breslow', '--robust']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Cox regression \(breslow ties\): n = 137, events = 128/);
    expect(r.out).toMatch(/robust se/);
    expect(r.out).toMatch(/^karno /m);
  });

  it('refuses bad flags and columns with exit code 2', () => {
    expect(run(['cox', '--data', vetCsv, '--event-col', 'status']).err).toMatch(/stats cox needs --duration-col/);
    expect(run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'status', '--ties', 'discrete']).err).toMatch(
      /--ties must be efron, breslow or exact/,
    );
    expect(run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'status', '--ph-transform', 'log']).err).toMatch(/--ph-transform must be/);
    expect(run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'status', '--features', 'nope']).err).toMatch(/no column "nope"/);
    expect(run(['cox', '--data', vetCsv, '--duration-col', 'time', '--event-col', 'karno']).err).toMatch(
      /row 2, column "karno": "60" is not an event indicator 0 or 1/,
    );
    expect(run(['median']).code).toBe(2);
    expect(run(['--help']).out).toMatch(/survkit stats cox/);
  });
});

describe('survkit stats logrank', () => {
  it('gives R survdiff numbers, dropping the NA row', () => {
    const r = run(['logrank', '--data', lungCsv, '--duration-col', 'time', '--event-col', 'event', '--group-col', 'sex', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      statistic: number;
      df: number;
      p: number;
      dropped: number;
      groups: { group: number; observed: number; expected: number }[];
    };
    expect(rel(j.statistic, lung.statistic)).toBeLessThan(1e-10);
    expect(rel(j.p, lung.p)).toBeLessThan(1e-9);
    expect(j.df).toBe(1);
    expect(j.dropped).toBe(1);
    expect(j.groups.map((g) => g.group)).toEqual([1, 2]);
    j.groups.forEach((g, k) => expect(rel(g.expected, lung.expected[k] as number)).toBeLessThan(1e-12));
  });

  it('--trend adds the test for trend (survMisc comp), --scores sets the scores', () => {
    const tr = fx('logrank_trend_R.json').cases.lung_ecog as {
      time: number[];
      event: number[];
      groups: number[];
      tests: { rho: number; chisq: number; z: number }[];
    };
    const csv = join(dir, 'lung-ecog.csv');
    writeFileSync(csv, ['time,event,ecog', ...tr.time.map((t, i) => `${t},${tr.event[i]},${tr.groups[i]}`)].join('\n') + '\n');
    const args = ['logrank', '--data', csv, '--duration-col', 'time', '--event-col', 'event', '--group-col', 'ecog'];
    const j = JSON.parse(run([...args, '--trend', '--rho', '1', '--format', 'json']).out) as {
      trend: { chisq: number; z: number; df: number; scores: number[] };
    };
    const want = tr.tests.find((t) => t.rho === 1) as { chisq: number; z: number };
    expect(rel(j.trend.chisq, want.chisq)).toBeLessThan(1e-12);
    expect(rel(j.trend.z, want.z)).toBeLessThan(1e-12);
    expect(j.trend.scores).toEqual([1, 2, 3, 4]);
    expect(run([...args, '--scores', '0,1,2,3']).out).toMatch(/Test for trend \(scores 0=0, 1=1, 2=2, 3=3\): Chisq = /);
    expect(run([...args, '--scores', '1,2']).err).toMatch(/'scores' must give one finite score per group \(4 groups/);
  });

  it('prints a table and takes --rho, through the main command', () => {
    let out = '';
    const code = main(['stats', 'logrank', '--data', lungCsv, '--duration-col', 'time', '--event-col', 'event', '--group-col', 'sex', '--rho', '1'], {
      stdout: (t) => (out += t),
      stderr: (t) => (out += t),
    });
    expect(code).toBe(0);
    expect(out).toMatch(/Fleming–Harrington G\(1, 0\) test \(1 row with missing values dropped\)/);
    const rho1 = lr.lung_sex_rho1 as { statistic: number };
    expect(out).toContain(`Chisq = ${rho1.statistic.toFixed(4)} on 1 df`);
  });

  it('needs --group-col', () => {
    expect(run(['logrank', '--data', lungCsv, '--duration-col', 'time', '--event-col', 'event']).err).toMatch(/stats logrank needs --group-col/);
  });
});

describe('survkit stats km and rmst', () => {
  const q = fx('survival_quantiles_R.json').cases.lung_sex as { median: number[]; medianLower: number[]; medianUpper: number[] };
  const rm = fx('rmst_R.json').cases.lung_sex_365 as { rmst: number[]; se: number[]; difference: { estimate: number; p: number } };

  it('km: medians with R print.survfit limits', () => {
    const r = run(['km', '--data', lungCsv, '--duration-col', 'time', '--event-col', 'event', '--group-col', 'sex', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { groups: { group: number; median: number; lower: number; upper: number }[] };
    expect(j.groups.map((g) => [g.group, g.median, g.lower, g.upper])).toEqual([
      [1, q.median[0], q.medianLower[0], q.medianUpper[0]],
      [2, q.median[1], q.medianLower[1], q.medianUpper[1]],
    ]);
    expect(run(['km', '--data', lungCsv, '--duration-col', 'time', '--event-col', 'event']).out).toMatch(/^all +228 +165 +310 +285 +363$/m);
  });

  it('rmst: per group and the difference at --tau', () => {
    const r = run(['rmst', '--data', lungCsv, '--duration-col', 'time', '--event-col', 'event', '--group-col', 'sex', '--tau', '365.25', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { tau: number; groups: { rmst: number; se: number }[]; difference: { estimate: number; p: number } };
    expect(j.tau).toBe(365.25);
    j.groups.forEach((g, k) => expect(rel(g.rmst, rm.rmst[k] as number)).toBeLessThan(1e-12));
    expect(rel(j.difference.estimate, rm.difference.estimate)).toBeLessThan(1e-12);
    expect(run(['rmst', '--data', lungCsv, '--duration-col', 'time', '--event-col', 'event', '--group-col', 'sex', '--tau', '5000']).err).toMatch(
      /'tau' must be at most/,
    );
    expect(run(['rmst', '--data', lungCsv, '--duration-col', 'time', '--event-col', 'event', '--tau', 'x']).err).toMatch(/--tau must be a time > 0/);
  });
});

describe('survkit stats --plot', () => {
  const km = fx('km_plot_R.json').cases as Record<
    string,
    { time: number[]; event: number[]; groups: string[]; times: number[]; nRisk: Record<string, number[]>; risk?: number[] }
  >;

  it('km --plot writes the Kaplan–Meier figure with R numbers at risk (Vega-Lite JSON) and an SVG with paths', async () => {
    const c = km.lung_sex as { time: number[]; event: number[]; groups: string[]; times: number[]; nRisk: Record<string, number[]> };
    const csv = join(dir, 'lung-sex.csv');
    writeFileSync(csv, ['time,status,sex', ...c.time.map((t, i) => `${t},${c.event[i]},${c.groups[i]}`)].join('\n') + '\n');
    const args = ['km', '--data', csv, '--duration-col', 'time', '--event-col', 'status', '--group-col', 'sex'];
    const j = await runAsync([...args, '--plot', join(dir, 'km.json'), '--at-risk-times', c.times.join(',')]);
    expect(j.err).toBe('');
    expect(j.code).toBe(0);
    expect(j.out).toMatch(/Median survival/);
    const spec = JSON.parse(readFileSync(join(dir, 'km.json'), 'utf8')) as { usermeta: { atRisk: { group: string; nRisk: number }[] } };
    for (const g of ['female', 'male']) expect(spec.usermeta.atRisk.filter((r) => r.group === g).map((r) => r.nRisk)).toEqual(c.nRisk[g]);
    const s = await runAsync([...args, '--plot', join(dir, 'km.svg')]);
    expect(s.code).toBe(0);
    const svg = readFileSync(join(dir, 'km.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/<path /g) ?? []).length).toBeGreaterThan(3);
    expect(svg).toContain('Number at risk');
  }, 30000);

  it('km --risk-col groups by tertiles as R cut(quantile()); cox --plot writes the forest plot', async () => {
    const c = km.lung_tertiles as { time: number[]; event: number[]; groups: string[]; times: number[]; nRisk: Record<string, number[]>; risk: number[] };
    const csv = join(dir, 'lung-risk.csv');
    writeFileSync(csv, ['time,status,risk', ...c.time.map((t, i) => `${t},${c.event[i]},${c.risk[i]}`)].join('\n') + '\n');
    const base = ['--data', csv, '--duration-col', 'time', '--event-col', 'status'];
    const r = await runAsync(['km', ...base, '--risk-col', 'risk', '--plot', join(dir, 'tert.json'), '--at-risk-times', c.times.join(','), '--format', 'json']);
    expect(r.code).toBe(0);
    const spec = JSON.parse(readFileSync(join(dir, 'tert.json'), 'utf8')) as { usermeta: { atRisk: { group: string; nRisk: number }[] } };
    expect([...new Set(spec.usermeta.atRisk.map((x) => x.group))]).toEqual(['low', 'middle', 'high']);
    expect((JSON.parse(r.out) as { groups: { group: string; n: number }[] }).groups.map((g) => [g.group, g.n])).toEqual([
      ['low', c.nRisk.low?.[0]],
      ['middle', c.nRisk.middle?.[0]],
      ['high', c.nRisk.high?.[0]],
    ]);
    for (const g of ['low', 'middle', 'high']) expect(spec.usermeta.atRisk.filter((x) => x.group === g).map((x) => x.nRisk)).toEqual(c.nRisk[g]);
    const f = await runAsync(['cox', ...base, '--plot', join(dir, 'forest.svg')]);
    expect(f.code).toBe(0);
    expect(readFileSync(join(dir, 'forest.svg'), 'utf8')).toContain('HR (95 % CI)');
    expect(run(['logrank', ...base, '--group-col', 'risk', '--plot', 'x.svg']).err).toMatch(/--plot is for stats km and stats cox/);
    expect(run(['km', ...base, '--plot', 'x.pdf']).err).toMatch(/--plot must name a .svg, .png or .json file/);
  }, 30000);
});
