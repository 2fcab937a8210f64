/**
 * The part of the WebAssembly JavaScript API that survkit's kernels use, typed here because the Node 20
 * typings do not declare the `WebAssembly` global (and the DOM library is not loaded).
 */

/** A WebAssembly memory: its bytes (a new ArrayBuffer after each grow) and `grow` by 64 KiB pages. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A compiled WebAssembly module (opaque). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** The runtime's `WebAssembly` namespace, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}
