/**
 * Turning a file's bytes into text: the size limit, and UTF-8 decoding that points at the first
 * byte that is not UTF-8 instead of silently replacing it.
 */
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { createSourceFile, type SourceFile } from "../diagnostics/source-file.ts";

/** Default upper bound on a spec file's size: large enough for any hand-written spec. */
export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

/** The offset of the first byte that breaks UTF-8, scanning by the encoding's own rules. */
function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** Decodes a file; on failure the diagnostic points at the offending byte. */
export function decodeFile(
  path: string,
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
): [SourceFile, Diagnostic[]] {
  if (bytes.length > maxBytes) {
    const file = createSourceFile(path, lenient.decode(bytes.subarray(0, 1024)));
    return [file, [diagnostic("file-too-large", { size: bytes.length, limit: maxBytes }, { file, start: 0, end: 0 })]];
  }
  const withoutBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return [createSourceFile(path, strict.decode(withoutBom)), []];
  } catch {
    const bad = firstInvalidByte(withoutBom);
    const file = createSourceFile(path, lenient.decode(withoutBom));
    const offset = lenient.decode(withoutBom.subarray(0, bad)).length;
    return [file, [diagnostic("invalid-utf8", {}, { file, start: offset, end: offset + 1 })]];
  }
}
