import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Every TypeScript file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Keys that no src file uses yet, each with the reason it stays. An entry that
 * becomes used must be removed from this list (the second test checks that).
 */
const UNUSED_ALLOWED: Readonly<Record<string, string>> = {
  notSorted: 'kept for code on other branches (sorted-input checks); remove it if nothing uses it after they are merged',
  unknownMetric: 'kept for code on other branches (metric names in reports); remove it if nothing uses it after they are merged',
};

describe('the message catalogue', () => {
  const files = sourceFiles(SRC).filter((f) => relative(SRC, f) !== join('core', 'messages.ts'));
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  /** A key is used when a src file names it in quotes (`survkitError('key', …)`, a helper's code argument) or as `messages.key`. */
  const used = (key: string): boolean => new RegExp(`(['"\`])${key}\\1|messages\\.${key}\\b`).test(text);

  it('every key is used by some src file other than the catalogue', () => {
    const unused = Object.keys(messages).filter((k) => !used(k) && !(k in UNUSED_ALLOWED));
    expect(unused).toEqual([]);
  });

  it('the allow-list holds only keys that exist and are still unused', () => {
    for (const key of Object.keys(UNUSED_ALLOWED)) {
      expect(key in messages, key).toBe(true);
      expect(used(key), key).toBe(false);
    }
  });
});

describe('catalogue wording', () => {
  it.each([
    [messages.subjectIndex('f', 'idx[0]', 3, 5), "f: 'idx[0]' must be a subject index in 0 … 2; got 5"],
    [messages.subjectIndex('f', 'idx[0]', 0, 0), "f: 'idx[0]' must be a subject index, but there are no subjects; got 0"],
    [messages.oneOutput('f', 'model', 'model', 2, 'pass cutAt'), "f: 'model' must be a model with one output (or pass cutAt); got 2 outputs"],
    [messages.oneOutput('f', 'cutAt', 'layer', 3), "f: 'cutAt' must be a layer with one output; got 3 outputs"],
    [messages.outputColumn('f', 'column', 1, 2), "f: 'column' must be the output column to explain (the output has 1 column), an integer in [0, 0]; got 2"],
    [messages.rowMajorSize('f', 'x', 2, 1, 3), "f: 'x' must hold 2 rows of 1 value (2 values); got 3 values"],
    [messages.optionsObject('f', 'opts', ['height', 'width'], 3), "f: 'opts' must be an options object { height, width, … }; got 3"],
    [
      messages.savedJson('f', 'json', 'TimeScaler', null),
      "f: 'json' must be the JSON of a TimeScaler (an object with type 'TimeScaler', as toJSON() returns); got null",
    ],
    [messages.arrayOf('f', 'members', 'SurvivalCurves', 3), "f: 'members' must be an array of SurvivalCurves; got 3"],
    [messages.ensembleClasses('f', 'members[1]', 2, 3), "f: 'members[1]' must be a classifier with 2 classes like members[0]; got 3 classes"],
    [
      messages.classifierOutput('f', 'net', 1, [null, 4, 4]),
      "f: 'net' must be a network with one output of shape [batch, K]; got 1 output, the first of shape [batch, 4, 4]",
    ],
    [messages.classifierOutput('f', 'net', 0, undefined), "f: 'net' must be a network with one output of shape [batch, K]; got 0 outputs"],
    [messages.inputCount('f', 'x', 1, 2), "f: 'x' must be 1 input tensor (one per model input); got 2 tensors"],
    [messages.inputCount('f', 'x', 2, 1), "f: 'x' must be 2 input tensors (one per model input); got 1 tensor"],
    [messages.unlabelledBatch('f', 'batch 3'), "f: 'batch 3' must be a batch with time and event (training needs labels); got a batch without labels"],
    [
      messages.rowMajorWidth('f', 'logits', 2, 3, 'class'),
      "f: 'logits' must be a row-major array with 2 values per row (one per class); got 3 values, not a multiple of 2",
    ],
    [messages.positiveInteger('f', 'causes', 0), "f: 'causes' must be an integer >= 1; got 0"],
    [
      messages.rmstHorizon('f', 'curves.times', 0),
      "f: 'curves.times' must be a grid whose last time is > 0 (−RMST integrates Ŝ from 0 to it); got a last time of 0",
    ],
    [messages.noetherSubjects('f', 'time', 2), "f: 'time' must hold at least 3 subjects for the Noether standard error; got 2"],
    [messages.allPairsTied('f', 'riskB'), "f: 'riskB' must be scores with at least one comparable pair not tied on risk; got all comparable pairs tied"],
    [
      messages.rankCorrelationUndefined('f', 'riskA', 'riskB'),
      "f: 'riskA' and 'riskB' must both be non-constant scores (their Spearman correlation is undefined otherwise); got a constant score",
    ],
    [messages.dicomWindowWidth('f', 'window.width', 0.5), "f: 'window.width' must be a finite number >= 1 (a DICOM window width); got 0.5"],
    [messages.directoryPath('f', 'dir', ''), 'f: \'dir\' must be a directory path (a non-empty string); got ""'],
  ])('%s', (got, expected) => {
    expect(got).toBe(expected);
  });
});
