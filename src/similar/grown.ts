type Growable = Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer> | Uint8Array<ArrayBuffer>;

/** The same array when long enough, else a copy `factor` times as long (or just long enough); new entries are 0. */
export function grown<T extends Growable>(array: T, minLength: number, factor = 2): T {
  if (array.length >= minLength) return array;
  const next = new (array.constructor as new (length: number) => T)(Math.max(minLength, Math.ceil(array.length * factor), 4));
  next.set(array as never);
  return next;
}
