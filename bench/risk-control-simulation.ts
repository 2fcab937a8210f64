/**
 * Prints the coverage simulation of docs/guarantees.md: 200 random calibration sets of the
 * closed-form population of test/uncertainty/risk-simulation.ts, per flagging policy.
 * Usage: npx tsx bench/risk-control-simulation.ts
 */
import { simulateConformal } from '../test/uncertainty/conformal-simulation.js';
import { simulate } from '../test/uncertainty/risk-simulation.js';

for (const n of [500, 1000, 5000]) {
  const rows = simulate(200, n, 0.1, 0.1);
  console.log(`n = ${n}, alpha = 0.1, delta = 0.1, 200 repetitions`);
  console.log('| policy | violations (risk > α) | violation rate | mean selective risk | mean kept fraction | mean P(wrong and kept) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.policy} | ${r.violations}/${r.reps} | ${(r.violations / r.reps).toFixed(3)} | ${r.meanRisk.toFixed(4)} | ${r.meanCoverage.toFixed(4)} | ${r.meanJoint.toFixed(4)} |`,
    );
  }
  console.log('');
}

const conformal = simulateConformal(200, [0.05, 0.1]);
console.log('conformal sets, digits table, 200 random 180/180 splits');
console.log('| method | α | mean coverage (± s.e.) | guaranteed | mean set size |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of conformal) {
  console.log(`| ${r.setting} | ${r.alpha} | ${r.meanCoverage.toFixed(4)} ± ${r.se.toFixed(4)} | ≥ ${(1 - r.alpha).toFixed(2)} | ${r.meanSize.toFixed(3)} |`);
}
