/**
 * What a JSONata syntax error usually means when it follows habits from JavaScript: `&&`, `||`,
 * `==`/`===` and a prefix `!` (JSONata writes `and`, `or`, `=` and `$not(...)`; `!=` is JSONata
 * too), and where an unterminated string opens. JSONata itself reports both at the end of the
 * expression or at the operator's second character.
 */

/** One JavaScript habit found in a JSONata text, by its offsets in the text. */
export interface JsonataSlip {
  start: number;
  end: number;
  hint: string;
}

/** What a scan of the text found outside strings, names and comments. */
export interface JsonataScan {
  slips: JsonataSlip[];
  /** The offset of the quote that opens a string never closed. */
  unterminatedString: number | undefined;
}

const OPERATOR_SLIPS: readonly { text: string; hint: string }[] = [
  { text: "===", hint: "JSONata compares with '=', not '==='" },
  { text: "!==", hint: "JSONata writes '!=', not '!=='" },
  { text: "&&", hint: "JSONata writes 'and' where JavaScript writes '&&' ('&' joins strings)" },
  { text: "||", hint: "JSONata writes 'or' where JavaScript writes '||'" },
  { text: "==", hint: "JSONata compares with '=', not '=='" },
];

/** The offset just past a quoted string or backquoted name opening at `start`, or undefined when it never closes. */
function skipQuoted(text: string, start: number): number | undefined {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\" && quote !== "`") i++;
    else if (text[i] === quote) return i + 1;
  }
  return undefined;
}

/** The slip written at offset `i`, if one is. */
function slipAt(text: string, i: number): JsonataSlip | undefined {
  for (const { text: op, hint } of OPERATOR_SLIPS) {
    if (text.startsWith(op, i)) return { start: i, end: i + op.length, hint };
  }
  // A prefix '!': not the start of '!=' (JSONata's own "not equal").
  if (text[i] === "!" && text[i + 1] !== "=") return { start: i, end: i + 1, hint: "JSONata negates with $not(...), not '!'" };
  return undefined;
}

/** Scans a JSONata text for JavaScript habits and for a string that is never closed. */
export function scanJsonata(text: string): JsonataScan {
  const slips: JsonataSlip[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      const end = skipQuoted(text, i);
      if (end === undefined) return { slips, unterminatedString: c === "`" ? undefined : i };
      i = end;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      const slip = slipAt(text, i);
      if (slip !== undefined) slips.push(slip);
      i = slip?.end ?? i + 1;
    }
  }
  return { slips, unterminatedString: undefined };
}
