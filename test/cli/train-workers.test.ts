import { describe, expect, it } from 'vitest';
import { imageTrainOptions } from '../../src/cli/train-args.js';
import { TRAIN_HELP } from '../../src/cli/help.js';

describe('survkit train --images --fine-tune last-block --train-workers k', () => {
  it('passes k to fineTuneImagesFile as trainWorkers', () => {
    expect(imageTrainOptions({ images: 'm.csv', backbone: 'w.safetensors', 'fine-tune': 'last-block', 'train-workers': '2' })).toEqual({
      backbone: 'w.safetensors',
      fineTune: 'last-block',
      trainWorkers: 2,
    });
    expect(TRAIN_HELP).toContain('--train-workers <k>');
  });

  it('is refused without --fine-tune, without --images, and for k < 1', () => {
    expect(() => imageTrainOptions({ images: 'm.csv', backbone: 'w.safetensors', 'train-workers': '2' })).toThrow(
      '--train-workers applies to --fine-tune last-block',
    );
    expect(() => imageTrainOptions({ 'train-workers': '2' })).toThrow('--train-workers applies to --images <manifest.csv>');
    expect(() => imageTrainOptions({ images: 'm.csv', backbone: 'w.safetensors', 'fine-tune': 'last-block', 'train-workers': '0' })).toThrow(/train-workers/);
  });
});
