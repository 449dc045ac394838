/**
 * The one way the compiler reads a file: a spec file, the project file, or a file a spec names
 * (a vendor's OpenAPI document). Only regular files are read, never more than a size limit, and a
 * file a spec names must lie inside the project root once every symbolic link is resolved. A FIFO,
 * a device or a directory is refused from its status before anything is read, so nothing blocks
 * and nothing grows without bound. A refusal says why in words that never quote the file.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats, statSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import { diagnostic, type Diagnostic, type Location } from "./diagnostics/diagnostic.ts";

/** Upper bound on a file a spec names (a vendor's OpenAPI document): 16 MiB; Chargebee's is 1.7 MB. */
export const MAX_REFERENCED_FILE_BYTES = 16 * 1024 * 1024;

const READ_CHUNK = 1024 * 1024;

/** Why a file was not read. `reason` is a sentence fragment that never quotes the file's content. */
export type FileRefusal =
  | { code: "path-not-found"; reason: string }
  | { code: "not-a-regular-file"; reason: string; type: string }
  | { code: "outside-project"; reason: string }
  | { code: "file-too-large"; reason: string; size: number; limit: number }
  | { code: "file-unreadable"; reason: string };

/** What to enforce when reading. */
export interface ReadLimits {
  /** The most bytes the file may hold. */
  maxBytes: number;
  /** When set, the file (symbolic links resolved) must lie inside this folder. */
  root?: string;
}

/** The file's bytes, or why it was not read. */
export type GuardedRead = [Uint8Array, undefined] | [undefined, FileRefusal];

/** What kind of file a status describes, in words, when it is not a regular file. */
function typeOf(stat: Stats): string {
  if (stat.isDirectory()) return "directory";
  if (stat.isFIFO()) return "named pipe (FIFO)";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "device";
  if (stat.isSocket()) return "socket";
  return "special file";
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? "an unknown error";
}

/** Whether `path` is `root` or lies below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`));
}

function refuseByStatus(stat: Stats, maxBytes: number): FileRefusal | undefined {
  if (!stat.isFile()) {
    const type = typeOf(stat);
    return { code: "not-a-regular-file", reason: `it is a ${type}, not a regular file`, type };
  }
  if (stat.size > maxBytes) {
    return { code: "file-too-large", reason: `it is ${stat.size} bytes, over the limit of ${maxBytes} bytes`, size: stat.size, limit: maxBytes };
  }
  return undefined;
}

/** Resolves the real path, confined to `root` when one is given. */
function confine(path: string, root: string | undefined): [string, undefined] | [undefined, FileRefusal] {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT" || code === "ENOTDIR") return [undefined, { code: "path-not-found", reason: "the file does not exist" }];
    return [undefined, { code: "file-unreadable", reason: code }];
  }
  if (root === undefined) return [real, undefined];
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = root;
  }
  if (!isInside(realRoot, real)) return [undefined, { code: "outside-project", reason: "it lies outside the project root" }];
  return [real, undefined];
}

/** The real path and status of a regular file within the limits, or why it may not be read; reads nothing. */
export function checkGuardedFile(path: string, limits: ReadLimits): [{ real: string; stat: Stats }, undefined] | [undefined, FileRefusal] {
  const [real, refusal] = confine(path, limits.root);
  if (real === undefined) return [undefined, refusal];
  let stat: Stats;
  try {
    stat = statSync(real);
  } catch (error) {
    return [undefined, { code: "file-unreadable", reason: errnoOf(error) }];
  }
  const refused = refuseByStatus(stat, limits.maxBytes);
  return refused === undefined ? [{ real, stat }, undefined] : [undefined, refused];
}

/** Reads a whole regular file within the limits, or says why not. Never blocks on a FIFO. */
export function readGuardedFile(path: string, limits: ReadLimits): GuardedRead {
  const [checked, refusal] = checkGuardedFile(path, limits);
  if (checked === undefined) return [undefined, refusal];
  let fd: number;
  try {
    // O_NONBLOCK: should the path have become a FIFO since its status was read, opening it returns at once.
    fd = openSync(checked.real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return [undefined, { code: "file-unreadable", reason: errnoOf(error) }];
  }
  try {
    const opened = refuseByStatus(fstatSync(fd), limits.maxBytes);
    if (opened !== undefined) return [undefined, opened];
    // Read to the end rather than to the size the status gave: a file that grows meanwhile is
    // still held to the limit, and one byte past it is enough to tell.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, limits.maxBytes + 1 - length));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      length += n;
      if (length > limits.maxBytes) {
        return [undefined, { code: "file-too-large", reason: `it is over the limit of ${limits.maxBytes} bytes`, size: length, limit: limits.maxBytes }];
      }
    }
    const buffer = Buffer.concat(chunks, length);
    return [new Uint8Array(buffer.buffer, buffer.byteOffset, length), undefined];
  } catch (error) {
    return [undefined, { code: "file-unreadable", reason: errnoOf(error) }];
  } finally {
    closeSync(fd);
  }
}

/**
 * A refusal as a diagnostic at `at`. `path` is how the file is shown (as the spec wrote it);
 * undefined when the diagnostic is about the file it is located in.
 */
export function refusalDiagnostic(refusal: FileRefusal, path: string | undefined, at: Location): Diagnostic {
  const shown = path ?? "the file";
  switch (refusal.code) {
    case "path-not-found":
      return diagnostic("path-not-found", { path: shown }, at);
    case "not-a-regular-file":
      return diagnostic("not-a-regular-file", { path: shown, type: refusal.type }, at);
    case "outside-project":
      return diagnostic("outside-project", { path: shown }, at);
    case "file-too-large":
      return diagnostic("file-too-large", path === undefined ? { size: refusal.size, limit: refusal.limit } : { size: refusal.size, limit: refusal.limit, path }, at);
    case "file-unreadable":
      return diagnostic("file-unreadable", { reason: path === undefined ? refusal.reason : `${path}: ${refusal.reason}` }, at);
  }
}
