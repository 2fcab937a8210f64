import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { messages } from '../../src/core/messages.js';
import { MNIST_PIXELS, readMnist, readMnistArrays } from '../../src/io/mnist.js';

/**
 * A tiny generated fixture in the raw layout (no header): three 28×28 images
 * whose byte at pixel p of image i is (7·i + p) mod 256, labels [3, 0, 9].
 */
let dir: string;
const LABELS = [3, 0, 9];
const byteAt = (i: number, p: number): number => (7 * i + p) % 256;

function writeSet(at: string, prefix: string, images: number, labels: readonly number[]): void {
  mkdirSync(at, { recursive: true });
  writeFileSync(
    join(at, `${prefix}_images.u8`),
    Uint8Array.from({ length: images * MNIST_PIXELS }, (_, k) => byteAt(Math.floor(k / MNIST_PIXELS), k % MNIST_PIXELS)),
  );
  writeFileSync(join(at, `${prefix}_labels.u8`), Uint8Array.from(labels));
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = mkdtempSync(join(tmpdir(), 'survkit-mnist-'));
  writeSet(dir, 'mnist_t10k', 3, LABELS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readMnistArrays / readMnist', () => {
  it('reads the raw bytes scaled to [0, 1] and the labels', async () => {
    const d = await readMnistArrays(dir);
    expect(d.n).toBe(3);
    expect(Array.from(d.labels)).toEqual(LABELS);
    expect(d.images.length).toBe(3 * 784);
    for (const [i, p] of [
      [0, 0],
      [0, 255],
      [1, 1],
      [2, 783],
    ] as const) {
      expect(d.images[i * 784 + p]).toBe(Math.fround(byteAt(i, p) / 255));
    }
    expect(Math.min(...d.images)).toBe(0);
    expect(Math.max(...d.images)).toBe(1);
  });

  it('gives a [n, 28, 28, 1] tensor in the same order (row-major pixels)', async () => {
    const before = tf.memory().numTensors;
    const d = await readMnist(dir, { limit: 2 });
    expect(d.images.shape).toEqual([2, 28, 28, 1]);
    expect(d.n).toBe(2);
    expect(Array.from(d.labels)).toEqual([3, 0]);
    const row = tf.tidy(() => d.images.slice([1, 2, 0, 0], [1, 1, 28, 1]).dataSync());
    expect(row[5]).toBe(Math.fround(byteAt(1, 2 * 28 + 5) / 255));
    tf.dispose(d.images);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads another prefix', async () => {
    writeSet(join(dir, 'train'), 'mnist_train', 1, [7]);
    const d = await readMnistArrays(join(dir, 'train'), { prefix: 'mnist_train' });
    expect(Array.from(d.labels)).toEqual([7]);
  });

  it('rejects a directory that is not a non-empty string', async () => {
    await expect(readMnistArrays('')).rejects.toThrow(messages.directoryPath('readMnist', 'dir', ''));
  });

  it('names the missing file', async () => {
    const missing = join(dir, 'nothing-here');
    await expect(readMnistArrays(missing)).rejects.toThrow(
      messages.dataFile('readMnist', 'images', join(missing, 'mnist_t10k_images.u8'), 'the file does not exist'),
    );
    mkdirSync(join(dir, 'nolabels'));
    writeFileSync(join(dir, 'nolabels', 'mnist_t10k_images.u8'), new Uint8Array(784));
    await expect(readMnistArrays(join(dir, 'nolabels'))).rejects.toThrow(/cannot read 'labels' from .*the file does not exist/);
  });

  it('rejects a short or ragged images file, a label count mismatch, a non-digit label and a limit past the end', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'mnist_t10k_images.u8'), new Uint8Array(784 + 100));
    writeFileSync(join(bad, 'mnist_t10k_labels.u8'), new Uint8Array(1));
    await expect(readMnistArrays(bad)).rejects.toThrow(
      messages.dataFile(
        'readMnist',
        'images',
        join(bad, 'mnist_t10k_images.u8'),
        'it has 884 bytes, which is not a positive multiple of 784 (28×28 bytes per image, no header)',
      ),
    );
    writeFileSync(join(bad, 'mnist_t10k_images.u8'), new Uint8Array(0));
    await expect(readMnistArrays(bad)).rejects.toThrow(/it has 0 bytes/);
    writeFileSync(join(bad, 'mnist_t10k_images.u8'), new Uint8Array(2 * 784));
    await expect(readMnistArrays(bad)).rejects.toThrow(
      messages.dataFile('readMnist', 'labels', join(bad, 'mnist_t10k_labels.u8'), 'it has 1 labels but the images file has 2 images'),
    );
    writeFileSync(join(bad, 'mnist_t10k_labels.u8'), Uint8Array.from([1, 10]));
    await expect(readMnistArrays(bad)).rejects.toThrow(/label 1 is 10, not a digit 0–9/);
    await expect(readMnistArrays(dir, { limit: 4 })).rejects.toThrow(/'limit' asks for 4 images but the file holds only 3/);
    await expect(readMnistArrays(dir, { limit: 0 })).rejects.toThrow(messages.optionRange('readMnist', 'limit', 'an integer >= 1', 0));
    await expect(readMnistArrays('')).rejects.toThrow(/readMnist: 'dir'/);
  });
});
