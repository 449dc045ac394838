/**
 * Progress of long work on standard error: one line rewritten in place on a terminal, erased when
 * the work ends; nothing at all when the output is not a terminal, so logs and pipes stay clean.
 */
import type { CliIo } from "./io.ts";

export interface ProgressLine {
  show(text: string): void;
  /** Erases the line. */
  end(): void;
}

const ERASE_LINE = "\r\u001b[K";

/** A progress line for `io`, or one that prints nothing when standard output is not a terminal. */
export function progressLine(io: CliIo): ProgressLine {
  if (!io.isTTY) return { show() {}, end() {} };
  let shown = false;
  return {
    show(text) {
      io.stderr(`${ERASE_LINE}${text}`);
      shown = true;
    },
    end() {
      if (shown) io.stderr(ERASE_LINE);
      shown = false;
    },
  };
}
