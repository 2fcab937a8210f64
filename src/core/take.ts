/** Gathers `values[idx[k]]` into a new array of the same kind. */
export function take<T extends Float64Array | Int32Array>(values: T, idx: ArrayLike<number>): T {
  const Ctor = values.constructor as new (n: number) => T;
  const out = new Ctor(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = values[idx[k] as number] as number;
  return out;
}
