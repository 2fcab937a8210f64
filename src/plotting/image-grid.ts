/**
 * A grid of images (inputs of an image model, slices of a volume, frames of
 * a clip) as a Vega-Lite spec, each image embedded as a PNG data URL.
 */
import { assertNumberOption } from '../core/assert.js';
import { survkitError } from '../core/errors.js';
import { nonEmpty, VEGA_LITE_SCHEMA, type PlotOptions, type PlotSpec } from './common.js';
import { pngDataUrl } from './png.js';

/** One image of the grid. */
export interface ImageGridItem {
  /** height × width × channels values, row-major, channels last. */
  pixels: ArrayLike<number>;
  /** Caption under the image. */
  label?: string;
}

/** Options of {@link imageGridSpec}. */
export interface ImageGridSpecOptions extends Omit<PlotOptions, 'width' | 'height'> {
  /** Image height and width in pixels (every image the same). */
  height: number;
  width: number;
  /** 1 (grey, default) or 3 (RGB). */
  channels?: 1 | 3;
  /** Images per row (default min(n, 8)). */
  columns?: number;
  /** Displayed size of the longer image side in screen pixels (default 96). */
  size?: number;
  /** Values shown black and white (default 0 and 1). */
  min?: number;
  max?: number;
}

/**
 * Vega-Lite spec of images in a grid, each with an optional caption.
 *
 * @example
 * const data = syntheticImageSurvival({ n: 8, size: 32, seed: 1 });
 * const images = Array.from({ length: 8 }, (_, i) => ({ pixels: data.images.subarray(i * 1024, (i + 1) * 1024), label: `T = ${data.time[i].toFixed(1)}` }));
 * await displayPlot(imageGridSpec(images, { height: 32, width: 32, columns: 4 }));
 * @throws {SurvkitError} for no images, an image with the wrong number of values, or bad sizes
 */
export function imageGridSpec(images: readonly (ImageGridItem | ArrayLike<number>)[], opts: ImageGridSpecOptions): PlotSpec {
  const fn = 'imageGridSpec';
  const list = nonEmpty<ImageGridItem | ArrayLike<number>>(fn, 'images', images);
  if (opts === null || typeof opts !== 'object') throw survkitError('optionsObject', fn, 'opts', ['height', 'width'], opts);
  const h = assertNumberOption(fn, 'height', opts.height, { min: 1, integer: true });
  const w = assertNumberOption(fn, 'width', opts.width, { min: 1, integer: true });
  const channels = opts.channels ?? 1;
  const columns = assertNumberOption(fn, 'columns', opts.columns ?? Math.min(list.length, 8), { min: 1, integer: true });
  const size = assertNumberOption(fn, 'size', opts.size ?? 96, { min: 4, max: 2048 });
  const dw = (size * w) / Math.max(h, w);
  const dh = (size * h) / Math.max(h, w);
  const items = list.map((it) => ('pixels' in it ? it : { pixels: it }));
  const labelled = items.some((it) => it.label !== undefined);
  const gap = 8;
  const cellW = dw + gap;
  const cellH = dh + gap + (labelled ? 16 : 0);
  const rows = Math.ceil(items.length / columns);
  const values = items.map((it, i) => {
    if (it.pixels?.length !== h * w * channels)
      throw survkitError('shapeMismatch', fn, `images[${i}]`, `${h * w * channels} values (height × width × channels)`, `${it.pixels?.length ?? 0} values`);
    const col = i % columns;
    const row = Math.floor(i / columns);
    return {
      url: pngDataUrl(it.pixels, h, w, {
        channels,
        ...(opts.min === undefined ? {} : { min: opts.min }),
        ...(opts.max === undefined ? {} : { max: opts.max }),
      }),
      label: it.label ?? '',
      x: col * cellW + dw / 2,
      y: row * cellH + dh / 2,
      ly: row * cellH + dh + 12,
    };
  });
  const width = columns * cellW;
  const height = rows * cellH;
  const scale = (extent: number) => ({ type: 'linear', domain: [0, extent], range: [0, extent], nice: false, zero: false });
  const x = { field: 'x', type: 'quantitative', scale: scale(width), axis: null };
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(opts.title === undefined ? {} : { title: opts.title }),
    width,
    height,
    data: { values },
    config: { view: { stroke: null } },
    layer: [
      {
        mark: { type: 'image', width: dw, height: dh, aspect: false },
        encoding: { x, y: { field: 'y', type: 'quantitative', scale: scale(height), axis: null }, url: { field: 'url', type: 'nominal' } },
      },
      ...(labelled
        ? [
            {
              mark: { type: 'text', fontSize: 11 },
              encoding: { x, y: { field: 'ly', type: 'quantitative', scale: scale(height), axis: null }, text: { field: 'label', type: 'nominal' } },
            },
          ]
        : []),
    ],
  } as PlotSpec;
}
