/**
 * The YAML front end: bytes to ParsedDocuments with every node's source range kept. It refuses
 * what YAML allows but a spec must not have: duplicate keys, alias bombs, nesting past a limit and
 * keys that could reach object prototypes. Every refusal is a located diagnostic; nothing throws.
 *
 * Two parsers share the work. A file with nothing unusual in it (no aliases, no key
 * that names a prototype) is read by js-yaml, which is about ten times faster, and the node tree
 * with source ranges is built by the `yaml` package only when something asks where a part was
 * written: in a clean spec set, never. Anything js-yaml refuses, and every unusual file, goes the
 * full way, so every diagnostic still comes from the one careful path.
 */
import jsyaml from "js-yaml";
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, parseAllDocuments, Scalar, type Document } from "yaml";
import { diagnostic, type Diagnostic, type Location } from "../../diagnostics/diagnostic.ts";
import type { SourceFile } from "../../diagnostics/source-file.ts";
import type { ParsedDocument, PathSegment } from "../document.ts";

/** Keys that would address an object's prototype chain if a consumer were careless. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Default nesting limit; the deepest spec in practice is about 12. */
export const DEFAULT_MAX_DEPTH = 64;

/** Alias expansions allowed per document (the yaml package's own guard). */
export const MAX_ALIAS_COUNT = 100;

export interface YamlLimits {
  maxDepth: number;
}

type YamlNode = Node | null | undefined;

function rangeOf(node: YamlNode, file: SourceFile): Location {
  const range = node?.range;
  if (range === undefined || range === null) return { file, start: 0, end: 0 };
  return { file, start: range[0], end: Math.max(range[0], range[1]) };
}

type YamlPair = { key: unknown; value: unknown };

/** Each mapping's pairs by key, built on first lookup, so locating many findings in a large mapping stays linear. */
const pairIndex = new WeakMap<object, Map<string, YamlPair>>();

function pairOf(map: { items: YamlPair[] }, segment: PathSegment): YamlPair | undefined {
  let index = pairIndex.get(map);
  if (index === undefined) {
    index = new Map();
    for (const p of map.items) {
      // The first pair with a key wins, as a linear search would find it.
      if (isScalar(p.key) && !index.has(String(p.key.value))) index.set(String(p.key.value), p);
    }
    pairIndex.set(map, index);
  }
  return index.get(String(segment));
}

/** Follows a path through the node tree, returning the deepest node reached and its key node. */
function walk(root: YamlNode, path: readonly PathSegment[]): { node: YamlNode; key: YamlNode; complete: boolean } {
  let node = root;
  let key: YamlNode;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = pairOf(node, segment);
      if (pair === undefined) return { node, key, complete: false };
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) return { node, key, complete: false };
      key = undefined;
      node = item;
    } else {
      return { node, key, complete: false };
    }
  }
  return { node, key, complete: true };
}

/** Maps offsets inside a scalar's string value to offsets in the file, where that is exact. */
function scalarOffsets(node: YamlNode, file: SourceFile): ((offset: number) => number) | undefined {
  if (!isScalar(node) || !node.range || typeof node.value !== "string") return undefined;
  const range = node.range;
  const start = range[0];
  const value = node.value;
  switch (node.type) {
    case Scalar.PLAIN:
      return value.includes("\n") ? undefined : (offset) => start + offset;
    case Scalar.QUOTE_DOUBLE:
    case Scalar.QUOTE_SINGLE: {
      const raw = file.text.slice(start + 1, range[1] - 1);
      return raw === value ? (offset) => start + 1 + offset : undefined;
    }
    case Scalar.BLOCK_LITERAL: {
      const text = file.text;
      const headerEnd = text.indexOf("\n", start);
      if (headerEnd < 0) return undefined;
      const lineStarts: number[] = [];
      let cursor = headerEnd + 1;
      const lines = value.split("\n");
      let indent = -1;
      for (let i = 0; i < lines.length && cursor <= text.length; i++) {
        let lineEnd = text.indexOf("\n", cursor);
        if (lineEnd < 0) lineEnd = text.length;
        const line = text.slice(cursor, lineEnd);
        if (indent < 0 && line.trim() !== "") indent = line.length - line.trimStart().length;
        lineStarts.push(cursor);
        cursor = lineEnd + 1;
      }
      const shift = Math.max(0, indent);
      return (offset) => {
        let line = 0;
        let remaining = offset;
        while (line < lines.length - 1 && remaining > (lines[line]?.length ?? 0)) {
          remaining -= (lines[line]?.length ?? 0) + 1;
          line++;
        }
        return (lineStarts[line] ?? start) + shift + remaining;
      };
    }
    default:
      return undefined;
  }
}

function makeDocument(file: SourceFile, doc: Document.Parsed, value: unknown): ParsedDocument {
  return makeLazyDocument(file, () => doc.contents as YamlNode, value);
}

function makeLazyDocument(file: SourceFile, rootOf: () => YamlNode, value: unknown): ParsedDocument {
  let cached: YamlNode | undefined;
  const rootNode = () => {
    cached ??= rootOf();
    return cached;
  };
  return {
    file,
    value,
    locate(path, part = "value") {
      const { node, key, complete } = walk(rootNode(), path);
      if (complete && part === "key" && key !== undefined) return rangeOf(key, file);
      if (!complete && key !== undefined) return rangeOf(key, file);
      return rangeOf(node, file);
    },
    stringOffsets(path) {
      const { node, complete } = walk(rootNode(), path);
      return complete ? scalarOffsets(node, file) : undefined;
    },
  };
}

/** Checks depth and forbidden keys without recursion, so hostile nesting cannot blow the stack. */
function checkStructure(root: YamlNode, file: SourceFile, limits: YamlLimits, out: Diagnostic[]): void {
  const stack: { node: YamlNode; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > limits.maxDepth) {
        out.push(diagnostic("nesting-too-deep", { limit: limits.maxDepth }, rangeOf(node, file)));
        return;
      }
      for (const item of node.items) {
        if (isPair(item)) {
          const key = item.key as YamlNode;
          if (isScalar(key) && FORBIDDEN_KEYS.has(String(key.value))) {
            out.push(diagnostic("forbidden-key", { key: String(key.value) }, rangeOf(key, file)));
          }
          stack.push({ node: item.value as YamlNode, depth: depth + 1 });
        } else {
          stack.push({ node: item as YamlNode, depth: depth + 1 });
        }
      }
    }
  }
}

/** Reports every key written twice in one mapping, at its second occurrence; one pass, without recursion. */
function findDuplicateKeys(root: YamlNode, file: SourceFile, out: Diagnostic[]): void {
  const stack: YamlNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as YamlNode;
        if (isScalar(key)) {
          const identity = `${typeof key.value}:${String(key.value)}`;
          if (seen.has(identity)) out.push(diagnostic("duplicate-key", { key: String(key.value) }, rangeOf(key, file)));
          else seen.add(identity);
        }
        stack.push(pair.value as YamlNode);
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push(item as YamlNode);
  }
}

/** The first alias node in a tree, for locating an alias-limit diagnostic. */
function firstAlias(root: YamlNode): YamlNode {
  const stack: YamlNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return node;
    if (isMap(node)) for (const p of node.items) stack.push(p.value as YamlNode);
    else if (isSeq(node)) for (const item of node.items) stack.push(item as YamlNode);
  }
  return root;
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}

/** Text that must take the careful path: keys that could name a prototype. */
const UNUSUAL = /__proto__|constructor|prototype/;

/**
 * Whether a plain value is a tree within the depth limit. js-yaml resolves an alias to the very
 * object its anchor names, so a collection reached twice means aliases, which only the careful
 * path counts and limits. Iterative, so hostile nesting cannot blow the stack.
 */
function isPlainTree(value: unknown, limit: number): boolean {
  const seen = new Set<object>();
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > limit || seen.has(v)) return false;
    seen.add(v);
    for (const child of Object.values(v)) stack.push({ value: child, depth: depth + 1 });
  }
  return true;
}

/** The fast path: js-yaml's values, with the `yaml` node tree built on first use. */
function parseYamlQuickly(file: SourceFile, limits: YamlLimits): ParsedDocument[] | undefined {
  if (UNUSUAL.test(file.text)) return undefined;
  let values: unknown[];
  try {
    values = jsyaml.loadAll(file.text, undefined, { schema: jsyaml.CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  const present = values.map((value, index) => ({ value, index })).filter((d) => d.value !== null && d.value !== undefined);
  if (present.length === 0) return undefined;
  if (!present.every((d) => isPlainTree(d.value, limits.maxDepth))) return undefined;
  let trees: Document.Parsed[] | undefined;
  const tree = (index: number) => {
    // js-yaml has already refused duplicate keys; the yaml package's own check is quadratic in a mapping's size.
    trees ??= parseAllDocuments(file.text, { uniqueKeys: false, prettyErrors: false, strict: true }) as Document.Parsed[];
    return trees[index]?.contents as YamlNode;
  };
  return present.map((d) => makeLazyDocument(file, () => tree(d.index), d.value));
}

/** Parses every document of a YAML file. Documents with errors are left out of the result. */
export function parseYaml(file: SourceFile, limits: YamlLimits = { maxDepth: DEFAULT_MAX_DEPTH }): [ParsedDocument[], Diagnostic[]] {
  const quick = parseYamlQuickly(file, limits);
  return quick === undefined ? parseYamlCarefully(file, limits) : [quick, []];
}

/** The careful path: the `yaml` package's node tree, checked node by node. */
export function parseYamlCarefully(file: SourceFile, limits: YamlLimits = { maxDepth: DEFAULT_MAX_DEPTH }): [ParsedDocument[], Diagnostic[]] {
  const diagnostics: Diagnostic[] = [];
  if (file.text.replace(/^\s*#.*$/gm, "").trim() === "" || /^(\s*(---|\.\.\.)\s*)*$/.test(file.text.replace(/^\s*#.*$/gm, ""))) {
    return [[], [diagnostic("empty-file", {}, { file, start: 0, end: 0 })]];
  }
  let docs: Document.Parsed[];
  try {
    // Duplicate keys are found by findDuplicateKeys, in one pass: the yaml package's check compares every key with every other.
    docs = parseAllDocuments(file.text, { uniqueKeys: false, prettyErrors: false, strict: true }) as Document.Parsed[];
  } catch (error) {
    // The yaml parser recurses on flow collections; pathological nesting ends here.
    if (error instanceof RangeError) return [[], [diagnostic("nesting-too-deep", { limit: limits.maxDepth }, { file, start: 0, end: 0 })]];
    return [[], [diagnostic("yaml-syntax", { detail: firstLine(String(error)) }, { file, start: 0, end: 0 })]];
  }
  if (!Array.isArray(docs)) docs = [];
  const parsed: ParsedDocument[] = [];
  for (const doc of docs) {
    const before = diagnostics.length;
    for (const error of doc.errors) {
      const location = { file, start: error.pos[0], end: Math.max(error.pos[0], error.pos[1]) };
      if (error.code === "RESOURCE_EXHAUSTION" && /call stack/i.test(error.message)) {
        // The parser ran out of stack on nesting far past the limit: say so, once per document.
        if (!diagnostics.slice(before).some((d) => d.code === "nesting-too-deep")) diagnostics.push(diagnostic("nesting-too-deep", { limit: limits.maxDepth }, location));
      } else {
        diagnostics.push(diagnostic("yaml-syntax", { detail: firstLine(error.message) }, location));
      }
    }
    const root = doc.contents as YamlNode;
    if (root === null || root === undefined) continue;
    findDuplicateKeys(root, file, diagnostics);
    if (diagnostics.length === before) checkStructure(root, file, limits, diagnostics);
    if (diagnostics.length > before) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (error instanceof ReferenceError && /alias/i.test(error.message)) {
        diagnostics.push(diagnostic("alias-limit", { limit: MAX_ALIAS_COUNT }, rangeOf(firstAlias(root), file)));
      } else {
        diagnostics.push(diagnostic("yaml-syntax", { detail: firstLine(String((error as Error).message)) }, rangeOf(root, file)));
      }
      continue;
    }
    parsed.push(makeDocument(file, doc, value));
  }
  if (parsed.length === 0 && diagnostics.length === 0) diagnostics.push(diagnostic("empty-file", {}, { file, start: 0, end: 0 }));
  return [parsed, diagnostics];
}
