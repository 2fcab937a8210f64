/** Each committed `<name>-wasm.ts` holds exactly the bytes that wabt makes of `<name>.wat` (run `npm run build:wasm` after editing a .wat). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { wasmApi } from '../../../src/ops/wasm/wasm-api.js';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/ops/wasm');
const sources = readdirSync(DIR).filter((f) => f.endsWith('.wat'));

describe('generated WebAssembly modules are up to date', () => {
  it('finds the kernels', () => {
    expect(sources).toContain('gemm.wat');
  });

  for (const file of sources) {
    it(`${file} compiles to the committed bytes`, async () => {
      const wabt = await wabtInit();
      // the features scripts/build-wasm.mjs compiles with
      const mod = wabt.parseWat(file, readFileSync(join(DIR, file), 'utf8'), { simd: true, relaxed_simd: false });
      mod.resolveNames();
      mod.validate();
      const bytes = mod.toBinary({ log: false, canonicalize_lebs: true, relocatable: false, write_debug_names: false }).buffer;
      mod.destroy();
      const name = file.slice(0, -4);
      const generated = (await import(join(DIR, `${name}-wasm.ts`))) as Record<string, Uint8Array>;
      const committed = generated[`${name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_WASM`];
      expect(committed, `${name}-wasm.ts is missing its export`).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(committed as Uint8Array).equals(Buffer.from(bytes)), `${name}-wasm.ts is stale: run npm run build:wasm`).toBe(true);
      expect(wasmApi()?.validate(bytes)).toBe(true);
    });
  }
});
