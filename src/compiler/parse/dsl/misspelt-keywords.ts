/**
 * Misspelt statement keywords (`delivr erp.postCostJournal`, `enrhich`, `mapp`, `retyr`, `rout`):
 * one located error naming the closest keyword among those the grammar allows at that point. A
 * statement is suspect when the parser stumbled on its line, or when it parsed only as an entry
 * whose key the kind does not have. Where no keyword is close, the parser's own errors stand;
 * where one is, the parser's errors from there to the end of the document are left out: they are
 * what recovering from the misspelt word left behind. The document is then parsed again with the
 * word read as that keyword, so that its other errors, after the misspelt statement, are still
 * reported (as is a misspelt keyword later in the document).
 */
import type { IRecognitionException, IToken, TokenType } from "chevrotain";
import { KIND_NAMES, type KindName, readPublishedSchema } from "../../../model/constants.ts";
import { diagnostic, type Diagnostic } from "../../diagnostics/diagnostic.ts";
import type { SourceFile } from "../../diagnostics/source-file.ts";
import { suggest } from "../../diagnostics/suggest.ts";
import { KIND_OF_RULE, METADATA_ENTRIES, sub, subs, tok } from "./lowering.ts";
import type { FileCstNode } from "./cst-types.ts";
import type { Span } from "./parse-dsl.ts";
import { dslParser, errorToken } from "./parser.ts";
import * as t from "./tokens.ts";

/** Looking keywords up replays the document so far: at most this many a file, over at most this many tokens. */
const MAX_LOOKUPS = 20;
const MAX_REPLAYED = 5000;

const OPENERS = new Set<TokenType>([t.LCurly, t.LBracket, t.LParen]);
const CLOSERS = new Set<TokenType>([t.RCurly, t.RBracket, t.RParen]);
const BOUNDARIES = new Set<TokenType>([t.LCurly, t.RCurly, t.Semicolon]);
const DOCUMENT_KEYWORDS = new Set<TokenType>([t.System, t.Entity, t.Ownership, t.Mapping, t.Route, t.Reconciliation, t.Policy]);
const KEYWORD_TEXT = new Map<TokenType, string>(Object.entries(t.keywords).map(([text, type]) => [type, text]));

/**
 * What was found: the diagnostics, and for each the span from the misspelt word to the end of its
 * document, where the parser's errors are what recovering from it left behind.
 */
export interface Misspellings {
  diagnostics: Diagnostic[];
  /** From each misspelt word to the end of its document, with where the word's statement ends. */
  quiet: (Span & { statementEnd: number })[];
  /**
   * The tokens with each misspelt word read as the keyword it was taken for: parsed again, they
   * show the document's other errors, which the misspelt word's recovery hid. Empty when none was found.
   */
  repaired: IToken[];
}

const entryKeys = new Map<string, ReadonlySet<string>>();
/** The keys a document of `kind` takes as plain entries: its spec's properties and the metadata entries. */
function knownEntryKeys(kind: string): ReadonlySet<string> {
  let keys = entryKeys.get(kind);
  if (keys === undefined) {
    const schema = (KIND_NAMES as readonly string[]).includes(kind) ? readPublishedSchema(kind as KindName) : {};
    const spec = (schema as { properties?: { spec?: { properties?: Record<string, unknown> } } }).properties?.spec?.properties ?? {};
    keys = new Set([...Object.keys(spec), ...METADATA_ENTRIES]);
    entryKeys.set(kind, keys);
  }
  return keys;
}

/** Reads a file's tokens for misspelt keywords; built once per file. */
function createReader(file: SourceFile, tokens: readonly IToken[]) {
  let indexes: Map<number, number> | undefined;
  const indexOf = (offset: number) => {
    indexes ??= new Map(tokens.map((token, i) => [token.startOffset, i]));
    return indexes.get(offset);
  };
  const spans: Span[] = [];
  const quiet: Misspellings["quiet"] = [];
  const diagnostics: Diagnostic[] = [];
  const fixes = new Map<number, TokenType>();
  let lookups = 0;

  const covered = (offset: number) => spans.some((s) => offset >= s.start && offset < s.end);

  /**
   * The index of the first token of the statement holding token `i`: back along its line to a
   * brace or a semicolon, then past an `id:` label.
   */
  function statementStart(i: number): number {
    const line = tokens[i]?.startLine;
    let first = i;
    for (let before = tokens[first - 1]; before !== undefined && before.startLine === line && !BOUNDARIES.has(before.tokenType); before = tokens[first - 1]) first--;
    const next = tokens[first + 1];
    if (next?.tokenType === t.Colon && next.startLine === line && first + 2 <= i) first += 2;
    return first;
  }

  /** Where the statement starting at token `i` ends: its line, and any braces opened on it. */
  function statementEnd(i: number): number {
    const first = tokens[i] as IToken;
    let depth = 0;
    let end = first.startOffset + first.image.length;
    for (let j = i; j < tokens.length; j++) {
      const token = tokens[j] as IToken;
      if (depth <= 0 && token.startLine !== first.startLine) break;
      if (OPENERS.has(token.tokenType)) depth++;
      else if (CLOSERS.has(token.tokenType)) depth--;
      end = token.startOffset + token.image.length;
      if (depth < 0) break;
    }
    return end;
  }

  /** The index of the token that starts the document holding token `i` (i itself at the top level). */
  function documentStart(i: number): number {
    let depth = 0;
    let start = i;
    for (let j = 0; j < i; j++) {
      const token = tokens[j] as IToken;
      if (depth === 0 && DOCUMENT_KEYWORDS.has(token.tokenType)) start = j;
      if (token.tokenType === t.LCurly) depth++;
      else if (token.tokenType === t.RCurly) depth = Math.max(0, depth - 1);
    }
    return depth === 0 ? i : start;
  }

  /** The offset just after the `}` that closes the document starting at token `start`. */
  function documentEnd(start: number): number {
    let depth = 0;
    for (let j = start; j < tokens.length; j++) {
      const token = tokens[j] as IToken;
      if (token.tokenType === t.LCurly) depth++;
      else if (token.tokenType === t.RCurly && --depth === 0) return token.startOffset + 1;
    }
    return file.text.length;
  }

  /** Checks the word at token `i`: reports it when a keyword allowed there is close to it. */
  function check(i: number): void {
    const word = tokens[i];
    if (word === undefined || word.tokenType !== t.Identifier || covered(word.startOffset) || lookups >= MAX_LOOKUPS) return;
    lookups++;
    const start = documentStart(i);
    if (i - start > MAX_REPLAYED) return;
    const prefix = tokens.slice(start, i).filter((token) => !covered(token.startOffset));
    const next = dslParser().computeContentAssist("file", prefix).map((path) => path.nextTokenType);
    const allowed = [...new Set(next.flatMap((type) => KEYWORD_TEXT.get(type) ?? []))];
    const suggestion = suggest(word.image, allowed);
    if (suggestion === undefined) return;
    // A word that is a key the document takes is an entry, not a misspelt statement.
    const kindToken = tokens[start];
    if (next.includes(t.Identifier) && kindToken !== undefined && start < i) {
      const kind = kindToken.image.charAt(0).toUpperCase() + kindToken.image.slice(1);
      if (knownEntryKeys(kind).has(word.image)) return;
    }
    const end = statementEnd(i);
    spans.push({ start: word.startOffset, end });
    quiet.push({ start: word.startOffset, end: documentEnd(start), statementEnd: end });
    const keyword = t.keywords[suggestion];
    if (keyword !== undefined) fixes.set(i, keyword);
    const here = allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}` : suggestion;
    diagnostics.push(
      diagnostic("dsl-unknown-keyword", { word: word.image, suggestion, allowed: here }, { file, start: word.startOffset, end: word.startOffset + word.image.length }),
    );
  }

  return {
    /** The statement the parser stumbled in at `offset`. */
    atError(offset: number): void {
      const i = indexOf(offset);
      if (i === undefined) return;
      const start = statementStart(i);
      check(start);
      // a word after a whole statement on its line may be a misspelt modifier (`whn`, `noet`)
      if (start !== i) check(i);
    },
    /** A statement the parser read as an entry, when its key is close to some keyword. */
    atEntry(key: IToken): void {
      if (suggest(key.image, KEYWORD_TEXT.values()) === undefined) return;
      const i = indexOf(key.startOffset);
      if (i !== undefined) check(i);
    },
    result: (): Misspellings => ({
      diagnostics: diagnostics.sort((x, y) => (x.location?.start ?? 0) - (y.location?.start ?? 0)),
      quiet,
      repaired: fixes.size === 0 ? [] : tokens.map((token, i) => {
        const keyword = fixes.get(i);
        return keyword === undefined ? token : { ...token, image: KEYWORD_TEXT.get(keyword) ?? token.image, tokenType: keyword, tokenTypeIdx: keyword.tokenTypeIdx as number };
      }),
    }),
  };
}

/**
 * Finds misspelt statement keywords: at each parser error, the statement on its line; in each
 * route, mapping and ownership document, each statement that parsed only as an unknown entry.
 */
export function findMisspeltKeywords(
  file: SourceFile,
  tokens: readonly IToken[],
  errors: readonly IRecognitionException[],
  cst: FileCstNode,
): Misspellings {
  const reader = createReader(file, tokens);
  for (const error of errors) {
    const token = errorToken(error);
    if (Number.isFinite(token.startOffset)) reader.atError(token.startOffset);
  }
  for (const document of cst.children.document ?? []) {
    for (const rule of Object.keys(KIND_OF_RULE)) {
      for (const statement of subs(sub(document, rule), rule.replace("Document", "Statement"))) {
        const entry = sub(statement, "plainEntry");
        const key = tok(entry, "Identifier");
        if (key !== undefined && tok(entry, "Word") === undefined) reader.atEntry(key);
      }
    }
  }
  return reader.result();
}
