/**
 * Reading a reference data file into records, each with where it stands in the file: a JSON array
 * of objects (located by row) or a CSV file with a header line (located by line, values converted
 * to the entity's field types). Nothing here throws: problems are returned, located.
 */

/** A field's JSON type as the entity schema gives it, for converting CSV cells. */
export type CellType = "string" | "integer" | "number" | "boolean" | "object" | "array";

/** One record read from a file, and where it is: `row 3` of a JSON array, `line 4` of a CSV file. */
export interface SourceRecord {
  at: string;
  value: Record<string, unknown>;
}

/** A problem with the file or one of its records, located. */
export interface LoadProblem {
  file: string;
  /** `line 4`, `row 3`, or undefined for the file as a whole. */
  at?: string;
  message: string;
}

/** The problem as one line: `rates.csv line 4: ...`. */
export function describeProblem(problem: LoadProblem): string {
  return `${problem.file}${problem.at === undefined ? "" : ` ${problem.at}`}: ${problem.message}`;
}

/** The offset of the first byte that is not part of valid UTF-8, or -1. */
function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const extra = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return -1;
}

/** The file's text, or a problem naming the line of the first byte that is not UTF-8. */
export function decodeUtf8(file: string, bytes: Uint8Array): [string | undefined, LoadProblem[]] {
  const bad = invalidUtf8At(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    const byte = (bytes[bad] as number).toString(16).padStart(2, "0");
    return [undefined, [{ file, at: `line ${line}`, message: `is not UTF-8 (byte 0x${byte} at offset ${bad}); save the file as UTF-8` }]];
  }
  const text = new TextDecoder("utf-8").decode(bytes);
  return [text.startsWith("\uFEFF") ? text.slice(1) : text, []];
}

/** The records of a JSON file: an array of objects. */
export function readJsonRecords(file: string, text: string): [SourceRecord[], LoadProblem[]] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return [[], [{ file, message: `is not valid JSON: ${(error as Error).message}` }]];
  }
  if (!Array.isArray(parsed)) return [[], [{ file, message: "must be a JSON array of records, one object per row" }]];
  const records: SourceRecord[] = [];
  const problems: LoadProblem[] = [];
  parsed.forEach((value: unknown, index) => {
    const at = `row ${index + 1}`;
    if (value === null || typeof value !== "object" || Array.isArray(value)) problems.push({ file, at, message: "is not an object" });
    else records.push({ at, value: value as Record<string, unknown> });
  });
  return [records, problems];
}

/** The cells of one CSV line (RFC 4180 quoting), and the line the next record starts on. */
function splitCsv(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      if (cells.length > 1 || cells[0] !== "") rows.push({ line: start, cells });
      cells = [];
      cell = "";
      line++;
      start = line;
    } else cell += c;
  }
  cells.push(cell);
  if (cells.length > 1 || cells[0] !== "") rows.push({ line: start, cells });
  return rows;
}

/** A CSV cell as the field's type: numbers and booleans converted, an empty cell left out. */
function cellValue(cell: string, type: CellType | undefined): { value?: unknown; error?: string } {
  if (cell === "") return {};
  if (type === "integer" || type === "number") {
    const n = Number(cell);
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(cell.trim()) || (type === "integer" && !Number.isInteger(n))) return { error: `is not ${type === "integer" ? "an integer" : "a number"}: ${JSON.stringify(cell)}` };
    return { value: n };
  }
  if (type === "boolean") {
    if (cell !== "true" && cell !== "false") return { error: `must be true or false, not ${JSON.stringify(cell)}` };
    return { value: cell === "true" };
  }
  if (type === "object" || type === "array") return { error: `is ${type === "object" ? "an object" : "an array"} field, which a CSV cell cannot hold; load the entity from JSON` };
  return { value: cell };
}

/**
 * The records of a CSV file: the first line names the columns, each later line is a record. A
 * column the entity requires and the header lacks, a column the entity does not have, and a line
 * with more or fewer cells than the header are problems.
 */
export function readCsvRecords(file: string, text: string, types: Readonly<Record<string, CellType>>, required: readonly string[]): [SourceRecord[], LoadProblem[]] {
  const [header, ...lines] = splitCsv(text);
  if (header === undefined) return [[], [{ file, message: "is empty: the first line must name the columns" }]];
  const columns = header.cells.map((c) => c.trim());
  const problems: LoadProblem[] = [];
  const missing = required.filter((name) => !columns.includes(name));
  if (missing.length > 0) problems.push({ file, at: "line 1", message: `lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}, which every record needs` });
  for (const column of columns) {
    if (!(column in types) && column !== "validFrom" && column !== "validTo") problems.push({ file, at: "line 1", message: `names the column ${JSON.stringify(column)}, which is not a field of the entity` });
  }
  if (problems.length > 0) return [[], problems];
  const records: SourceRecord[] = [];
  for (const { line, cells } of lines) {
    const at = `line ${line}`;
    if (cells.length !== columns.length) {
      const lacking = columns.slice(cells.length);
      const message =
        cells.length < columns.length
          ? `has ${cells.length} cells and the header ${columns.length}: the column${lacking.length > 1 ? "s" : ""} ${lacking.join(", ")} ${lacking.length > 1 ? "are" : "is"} missing`
          : `has ${cells.length} cells and the header ${columns.length}`;
      problems.push({ file, at, message });
      continue;
    }
    const value: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const converted = cellValue(cells[i] as string, types[column]);
      if (converted.error !== undefined) problems.push({ file, at, message: `${column} ${converted.error}` });
      else if ("value" in converted) value[column] = converted.value;
    });
    records.push({ at, value });
  }
  return [records, problems];
}
