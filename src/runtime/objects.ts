/**
 * Copies of objects with fields added, for the paths every event takes. `{ ...a, b }` means the
 * same, but the V8 of Node 20 gives every object made that way a hidden class of its own: each
 * costs a microsecond or more, adds garbage, and makes every later read of such objects slow
 * (a megamorphic lookup). A copy made field by field shares its hidden class with the others made
 * from the same keys. Keys keep their order, as a spread keeps them.
 */

/** Copies `source`'s own enumerable fields onto `target`; a `__proto__` key stays a field, as a spread keeps it. */
function copyInto(target: Record<string, unknown>, source: object): void {
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const value = (source as Record<string, unknown>)[key];
    if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else target[key] = value;
  }
}

/** `{ ...source, [key]: value }`. */
export function withField<T extends object>(source: T, key: string, value: unknown): T & Record<string, unknown> {
  const out: Record<string, unknown> = {};
  copyInto(out, source);
  if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
  return out as T & Record<string, unknown>;
}

/** `{ ...first, ...second }`. */
export function merged<A extends object, B extends object>(first: A, second: B): A & B {
  const out: Record<string, unknown> = {};
  copyInto(out, first);
  copyInto(out, second);
  return out as A & B;
}
