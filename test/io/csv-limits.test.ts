/** The CSV reader refuses endless or absurd input: non-regular files, runaway lines, and never echoes a huge cell. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/core/messages.js';
import { MAX_LINE_LENGTH, parseCsv, readCsv } from '../../src/io/csv.js';
import { readPredictions } from '../../src/io/predictions.js';

const dir = mkdtempSync(join(tmpdir(), 'survkit-csv-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CSV limits', () => {
  it('/dev/zero (a character device) is refused without reading', () => {
    expect(() => readCsv('/dev/zero')).toThrow(messages.csvNotRegular('/dev/zero', 'a character device'));
  });
  it('a FIFO is refused without blocking on it', () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    expect(() => readCsv(fifo)).toThrow(messages.csvNotRegular(fifo, 'a FIFO (named pipe)'));
  });
  it('allowNonRegular reads a device but stops at the line limit', () => {
    expect(() => readCsv('/dev/zero', { allowNonRegular: true, maxLineLength: 4096 })).toThrow(messages.csvLineTooLong('/dev/zero', 1, 4096));
  });
  it(`a line longer than ${MAX_LINE_LENGTH} characters is refused (a 3 MB cell)`, () => {
    const text = `time,event,risk\n1,1,${'9'.repeat(3_000_000)}\n`;
    expect(() => parseCsv(text, 'big.csv')).toThrow(messages.csvLineTooLong('big.csv', 2, MAX_LINE_LENGTH));
    const quoted = `time,event,risk\n1,1,"${'x\n'.repeat(1_500_000)}"\n`;
    expect(() => parseCsv(quoted, 'q.csv')).toThrow(messages.csvLineTooLong('q.csv', 2, MAX_LINE_LENGTH));
    expect(parseCsv('a,b\n1,2\n', 'ok.csv', { maxLineLength: 3 }).rows).toEqual([['1', '2']]);
  });
  it('an offending cell is quoted by a short prefix only', () => {
    const p = join(dir, 'cell.csv');
    writeFileSync(p, `time,event,risk\n1,1,${'a'.repeat(500_000)}\n2,0,0.5\n`);
    let msg = '';
    try {
      readPredictions(p);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('(500000 characters)');
    expect(msg.length).toBeLessThan(400);
  });
});
