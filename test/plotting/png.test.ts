import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { renderSvg } from '../../src/plotting/render.js';
import { crc32, encodePng, pngDataUrl } from '../../src/plotting/png.js';
import { imageGridSpec } from '../../src/plotting/image-grid.js';

/** Splits a PNG into its chunks, checking the signature and every CRC. */
function chunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length;) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    expect(view.getUint32(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    out.push({ type, data });
    at += 12 + len;
  }
  return out;
}

describe('PNG encoder', () => {
  it('crc32 gives the published check value of CRC-32 ("123456789" → 0xCBF43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('writes IHDR, IDAT, IEND; the inflated scanlines are the clipped, scaled values', () => {
    const png = encodePng([0, 0.5, 1, -3, 7, 0.25], 2, 3);
    const cs = chunks(png);
    expect(cs.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = new DataView(cs[0]!.data.buffer, cs[0]!.data.byteOffset, 13);
    expect([ihdr.getUint32(0), ihdr.getUint32(4), cs[0]!.data[8], cs[0]!.data[9], cs[0]!.data[10], cs[0]!.data[11], cs[0]!.data[12]]).toEqual([
      3, 2, 8, 0, 0, 0, 0,
    ]);
    expect(Array.from(inflateSync(cs[1]!.data))).toEqual([0, 0, 128, 255, 0, 0, 255, 64]);
  });

  it('RGB and a custom range', () => {
    const png = encodePng([0, 50, 100, 100, 50, 0], 1, 2, { channels: 3, min: 0, max: 100 });
    const cs = chunks(png);
    expect(cs[0]!.data[9]).toBe(2);
    expect(Array.from(inflateSync(cs[1]!.data))).toEqual([0, 0, 128, 255, 255, 128, 0]);
    expect(pngDataUrl([1], 1, 1)).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('rejects a wrong length, bad sizes and an empty range', () => {
    expect(() => encodePng([1, 2], 2, 2)).toThrow(/encodePng: 'values' must be 4 values/);
    expect(() => encodePng([1], 0, 1)).toThrow(/encodePng: .*height/);
    expect(() => encodePng([1], 1, 1, { min: 1, max: 1 })).toThrow(/encodePng: 'max' must be a number > min/);
  });

  it('errors come from the catalogue and name the sizes', () => {
    expect(() => encodePng([1, 2], 2, 2)).toThrow(messages.pixelCount('encodePng', 'values', 2, 2, 1, 2));
    expect(() => encodePng([1, 2, 3], 1, 1, { channels: 3, min: 1, max: 0 })).toThrow(messages.notAboveMin('encodePng', 'max', 1, 0));
    expect(() => encodePng([1, 2], 1, 1, { channels: 2 as 1 })).toThrow(messages.pngChannels('encodePng', 'channels', 2));
    expect(() => imageGridSpec([[1]], null as never)).toThrow(messages.optionsObject('imageGridSpec', 'opts', ['height', 'width'], null));
  });
});

describe('imageGridSpec', () => {
  it('lays images out in rows of `columns` with captions and renders to SVG with embedded PNGs', async () => {
    const img = (v: number) => ({ pixels: new Float32Array(16).fill(v), label: `v=${v}` });
    const spec = imageGridSpec([img(0), img(0.5), img(1)], { height: 4, width: 4, columns: 2, size: 20, title: 'grid' }) as unknown as {
      width: number;
      height: number;
      data: { values: { x: number; y: number; url: string; label: string }[] };
    };
    expect(spec.width).toBe(2 * 28);
    expect(spec.height).toBe(2 * (28 + 16));
    expect(spec.data.values.map((v) => [v.x, v.y, v.label])).toEqual([
      [10, 10, 'v=0'],
      [38, 10, 'v=0.5'],
      [10, 54, 'v=1'],
    ]);
    const svg = await renderSvg(spec as never);
    expect((svg.match(/<image/g) ?? []).length).toBe(3);
    expect(svg).toContain('data:image/png;base64,');
    expect(svg).toContain('v=0.5');
  });

  it('rejects an image of the wrong size', () => {
    expect(() => imageGridSpec([new Float32Array(3)], { height: 2, width: 2 })).toThrow(/imageGridSpec: .*images\[0\].*4 values/);
  });
});
