import { afterEach, describe, expect, it, vi } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { kaplanMeier } from '../../src/estimators/index.js';
import { displayBundle, displayMarkdown, displayPlot, displayTable, formatTable, setDisplaySink, type MimeBundle } from '../../src/plotting/notebook.js';
import { kaplanMeierSpec } from '../../src/plotting/index.js';

afterEach(() => {
  setDisplaySink(undefined);
  delete (globalThis as { Deno?: unknown }).Deno;
  vi.restoreAllMocks();
});

describe('formatTable', () => {
  it('writes Markdown and aligned text; numbers to significant digits, integers as they are', () => {
    const t = formatTable([
      { metric: 'Harrell C', value: 0.712345, n: 300 },
      { metric: 'IBS', value: 0.16, n: 12 },
    ]);
    expect(t.markdown).toBe(['| metric | value | n |', '| --- | ---: | ---: |', '| Harrell C | 0.7123 | 300 |', '| IBS | 0.16 | 12 |'].join('\n'));
    expect(t.text).toBe(['metric      value    n', 'Harrell C  0.7123  300', 'IBS          0.16   12'].join('\n'));
  });

  it('takes the column order and digits given, fills missing cells, escapes pipes', () => {
    const t = formatTable([{ a: 1 / 3, b: 'x|y' }, { c: true }], { digits: 2, columns: ['b', 'a', 'c'] });
    expect(t.markdown.split('\n')).toEqual(['| b | a | c |', '| --- | ---: | --- |', '| x\\|y | 0.33 |  |', '|  |  | true |']);
  });

  it('rejects what is not a list of rows, and bad digits', () => {
    expect(() => formatTable(3 as never)).toThrow(messages.rowObjects('formatTable', 'rows', 3));
    expect(() => formatTable([{ a: 1 }], { digits: 0 })).toThrow(/formatTable: .*digits/);
  });
});

describe('display functions', () => {
  it('route bundles to the sink; setDisplaySink returns the previous sink', async () => {
    const got: MimeBundle[] = [];
    const sink = (b: MimeBundle): void => {
      got.push(b);
    };
    expect(setDisplaySink(sink)).toBeUndefined();
    await displayTable([{ a: 1 }]);
    await displayMarkdown('# Title');
    await displayPlot(kaplanMeierSpec(kaplanMeier([1, 2, 3], [1, 0, 1]), { title: 'KM' }));
    expect(got.map((b) => Object.keys(b).sort())).toEqual([
      ['text/markdown', 'text/plain'],
      ['text/markdown', 'text/plain'],
      ['image/svg+xml', 'text/plain'],
    ]);
    expect(got[0]?.['text/markdown']).toBe('| a |\n| ---: |\n| 1 |');
    expect(got[2]?.['image/svg+xml']).toMatch(/^<svg/);
    expect(got[2]?.['text/plain']).toMatch(/^\[KM: SVG, \d+ characters\]$/);
    expect(setDisplaySink(undefined)).toBe(sink);
  });

  it("use Deno's Jupyter display (raw bundle) when there is no sink", async () => {
    const display = vi.fn(() => Promise.resolve());
    (globalThis as { Deno?: unknown }).Deno = { jupyter: { display } };
    await displayMarkdown('hello');
    expect(display).toHaveBeenCalledWith({ 'text/plain': 'hello', 'text/markdown': 'hello' }, { raw: true });
  });

  it('print the plain-text part elsewhere (also when Deno.jupyter throws outside the kernel)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await displayBundle({ 'text/plain': 'plain' });
    Object.defineProperty(globalThis, 'Deno', {
      configurable: true,
      value: Object.defineProperty({}, 'jupyter', {
        get() {
          throw new Error('only in the kernel');
        },
      }),
    });
    await displayBundle({ 'text/plain': 'still plain' });
    expect(log.mock.calls).toEqual([['plain'], ['still plain']]);
  });

  it('displayMarkdown rejects a non-string', async () => {
    await expect(displayMarkdown(3 as never)).rejects.toThrow(messages.notString('displayMarkdown', 'markdown', 3));
  });
});

describe('formatTable types', () => {
  it('accepts rows typed by an interface (no index signature)', () => {
    interface Row {
      name: string;
      score: number;
    }
    const rows: Row[] = [{ name: 'a', score: 0.5 }];
    expect(formatTable(rows).text).toBe('name  score\na       0.5');
  });
});
