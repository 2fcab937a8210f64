import { describe, expect, it, vi } from 'vitest';
import { messages } from '../../src/core/messages.js';

vi.mock('@resvg/resvg-js', () => {
  throw new Error('Cannot find package @resvg/resvg-js');
});

describe('renderPng without @resvg/resvg-js', () => {
  it('names the missing optional package; SVG still renders', async () => {
    const { pngAvailable, renderPng, renderSvg } = await import('../../src/plotting/render.js');
    const { kaplanMeierSpec } = await import('../../src/plotting/survival-plots.js');
    const { StepFunction } = await import('../../src/estimators/step-function.js');
    const spec = kaplanMeierSpec(new StepFunction([1, 2], [0.5, 0.2]));
    expect(await pngAvailable()).toBe(false);
    await expect(renderPng(spec)).rejects.toThrow(
      messages.missingPackage('renderPng', '@resvg/resvg-js', 'to render PNG images (SVG output needs only vega and vega-lite)'),
    );
    expect((await renderSvg(spec)).startsWith('<svg')).toBe(true);
  });
});
