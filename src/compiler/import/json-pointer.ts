/** Local JSON references (`#/components/schemas/Invoice`) resolved inside one document (RFC 6901). */

/** The value a local reference points at, or undefined when it does not resolve. */
export function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer === "") return root;
  if (!pointer.startsWith("/")) return undefined;
  let current = root;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Follows `$ref` objects (a parameter, a request body, a response) until a value without one. */
export function deref<T>(root: unknown, value: T, limit = 16): T | undefined {
  let current: unknown = value;
  for (let hops = 0; hops < limit; hops++) {
    const ref = current !== null && typeof current === "object" ? (current as { $ref?: unknown }).$ref : undefined;
    if (typeof ref !== "string") return current as T;
    current = resolvePointer(root, ref);
    if (current === undefined) return undefined;
  }
  return undefined;
}
