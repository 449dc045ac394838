/**
 * The TextMate grammar editors highlight `.sync` files with (editors/vscode/syntaxes), printed from
 * the lexer's own keyword table so a new keyword is highlighted without anyone remembering to.
 * The JSONata inside `{{ ... }}` is scoped `meta.embedded.block.jsonata` and highlighted by the
 * JSONata rules below. test/dsl/grammar.test.ts keeps the committed copy in step.
 */
import { keywords } from "./tokens.ts";

const KINDS = ["system", "entity", "ownership", "mapping", "route", "reconciliation", "policy"];
const NAME = "[A-Za-z_$][A-Za-z0-9_$-]*";
/** A word boundary that, unlike `\b`, treats `-` as part of a word, as the lexer does. */
const BEFORE = "(?<![A-Za-z0-9_$-])";
const AFTER = "(?![A-Za-z0-9_$-])";

const escapeRegExp = (word: string) => word.replace(/[/\\^$*+?.()|[\]{}]/g, "\\$&");
const alternation = (words: readonly string[]) => [...words].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map(escapeRegExp).join("|");

const JSONATA_FUNCTIONS_AND_OPERATORS = {
  "jsonata-comment": { begin: "/\\*", end: "\\*/", name: "comment.block.jsonata" },
  "jsonata-string": {
    patterns: [
      { begin: '"', end: '"', name: "string.quoted.double.jsonata", patterns: [{ match: "\\\\.", name: "constant.character.escape.jsonata" }] },
      { begin: "'", end: "'", name: "string.quoted.single.jsonata", patterns: [{ match: "\\\\.", name: "constant.character.escape.jsonata" }] },
    ],
  },
  "jsonata-number": { match: "(?<![A-Za-z0-9_$])-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?", name: "constant.numeric.jsonata" },
  "jsonata-function": { match: "(\\$[A-Za-z_][A-Za-z0-9_]*)\\s*(?=\\()", captures: { "1": { name: "support.function.jsonata" } } },
  "jsonata-variable": { match: "\\$[A-Za-z_0-9]*", name: "variable.other.jsonata" },
  "jsonata-keyword": { match: "\\b(and|or|in|function|true|false|null)\\b", name: "keyword.operator.word.jsonata" },
  "jsonata-operator": { match: ":=|!=|<=|>=|\\.\\.|~>|\\?:|\\?\\?|[-+*/%&=<>?:.^#@!]", name: "keyword.operator.jsonata" },
  "jsonata-field": { match: "`[^`]*`|[A-Za-z_][A-Za-z0-9_]*", name: "variable.other.property.jsonata" },
  "jsonata-braces": {
    begin: "\\{",
    end: "\\}",
    beginCaptures: { "0": { name: "punctuation.definition.block.jsonata" } },
    endCaptures: { "0": { name: "punctuation.definition.block.jsonata" } },
    patterns: [{ include: "#jsonata" }],
  },
};

/** The grammar, as the JSON text of a `.tmLanguage.json` file. */
export function textMateGrammar(): string {
  const words = Object.keys(keywords).filter((k) => !["true", "false", "null"].includes(k));
  const grammar = {
    name: "syncspec",
    scopeName: "source.syncspec",
    fileTypes: ["sync"],
    comment: "Generated from the lexer (src/compiler/parse/dsl/textmate-grammar.ts). Do not edit.",
    patterns: ["comment", "jsonata-block", "string", "header", "constant", "keyword", "number", "punctuation", "name"].map((r) => ({ include: `#${r}` })),
    repository: {
      comment: { match: "(#|//).*$", name: "comment.line.syncspec" },
      "jsonata-block": {
        begin: "\\{\\{",
        end: "\\}\\}",
        beginCaptures: { "0": { name: "punctuation.section.embedded.begin.syncspec" } },
        endCaptures: { "0": { name: "punctuation.section.embedded.end.syncspec" } },
        contentName: "meta.embedded.block.jsonata source.jsonata",
        patterns: [{ include: "#jsonata" }],
      },
      string: { begin: '"', end: '"', name: "string.quoted.double.syncspec", patterns: [{ match: "\\\\.", name: "constant.character.escape.syncspec" }] },
      header: {
        match: `^\\s*(${alternation(KINDS)})\\s+(${NAME})`,
        captures: { "1": { name: "storage.type.syncspec" }, "2": { name: "entity.name.type.syncspec" } },
      },
      constant: { match: `${BEFORE}(true|false|null)${AFTER}`, name: "constant.language.syncspec" },
      keyword: { match: `${BEFORE}(${alternation(words)})${AFTER}`, name: "keyword.other.syncspec" },
      number: { match: `${BEFORE}-?[0-9][A-Za-z0-9_+-]*(?:\\.[A-Za-z0-9_+-]+)*`, name: "constant.numeric.syncspec" },
      punctuation: { match: "[{}\\[\\](),;:.]", name: "punctuation.separator.syncspec" },
      name: { match: NAME, name: "variable.other.syncspec" },
      jsonata: { patterns: Object.keys(JSONATA_FUNCTIONS_AND_OPERATORS).filter((k) => k !== "jsonata-braces").map((r) => ({ include: `#${r}` })) },
      ...JSONATA_FUNCTIONS_AND_OPERATORS,
    },
  };
  // Nested braces first, so `{ "a": {} }}` closes the block only at its own `}}`.
  grammar.repository.jsonata.patterns.splice(1, 0, { include: "#jsonata-braces" });
  return `${JSON.stringify(grammar, null, 2)}\n`;
}
