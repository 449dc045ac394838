/** Paths as generated code and lowered definitions write them. */
import { relative, sep } from "node:path";

/** A path relative to the root, with `/` separators. */
export function specPathOf(root: string, path: string): string {
  return relative(root, path).split(sep).join("/") || ".";
}
