/**
 * The grammar as readers see it, printed from the parser itself so it cannot drift: the EBNF
 * reference (grammar/sync.ebnf), the railroad diagram page (grammar/railroad.html, Chevrotain's
 * createSyntaxDiagramsCode) and the parse-tree types (cst-types.ts, Chevrotain's
 * generateCstDts). test/dsl/grammar.test.ts fails when a committed copy is stale and rewrites
 * them with UPDATE_GOLDEN=1.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { IProduction, TokenType } from "chevrotain";
import { chevrotain } from "./chevrotain.ts";
import { dslParser } from "./parser.ts";
import { allTokens, keywords } from "./tokens.ts";

const {
  Alternation,
  Alternative,
  createSyntaxDiagramsCode,
  generateCstDts,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
} = chevrotain;

const keywordTypes = new Set<TokenType>(Object.values(keywords));

function terminal(type: TokenType): string {
  if (keywordTypes.has(type)) return `'${type.LABEL?.slice(1, -1) ?? type.name}'`;
  const pattern = type.PATTERN;
  if (typeof pattern === "string") return `'${pattern}'`;
  return type.name;
}

function sequence(items: readonly IProduction[]): string {
  return items.map(production).join(" ");
}

function group(items: readonly IProduction[], suffix: string): string {
  const inner = sequence(items);
  return items.length === 1 && !(items[0] instanceof Alternation) ? `${inner}${suffix}` : `( ${inner} )${suffix}`;
}

function production(p: IProduction): string {
  if (p instanceof Terminal) return terminal(p.terminalType);
  if (p instanceof NonTerminal) return p.nonTerminalName;
  if (p instanceof Option) return group(p.definition, "?");
  if (p instanceof Repetition) return group(p.definition, "*");
  if (p instanceof RepetitionMandatory) return group(p.definition, "+");
  if (p instanceof RepetitionWithSeparator || p instanceof RepetitionMandatoryWithSeparator) {
    const item = sequence(p.definition);
    return `( ${item} ( ${terminal(p.separator)} ${item} )* )${p instanceof RepetitionWithSeparator ? "?" : ""}`;
  }
  if (p instanceof Alternation) return `( ${p.definition.map((a) => sequence((a as InstanceType<typeof Alternative>).definition)).join(" | ")} )`;
  if (p instanceof Alternative) return sequence(p.definition);
  return "";
}

/** The grammar in EBNF (W3C notation: `?` optional, `*` any number, `+` at least one). */
export function grammarEbnf(): string {
  const lines = [
    "(* The sync DSL, printed from the parser in src/compiler/parse/dsl/parser.ts. Do not edit:",
    "   run UPDATE_GOLDEN=1 npx vitest run test/dsl/grammar.test.ts after changing the grammar. *)",
    "",
    "(* ---- rules ---- *)",
  ];
  for (const rule of Object.values(dslParser().getGAstProductions())) {
    const top = rule.definition.length === 1 && rule.definition[0] instanceof Alternation ? rule.definition[0] : undefined;
    if (top !== undefined) {
      const alternatives = top.definition.map((a) => sequence((a as InstanceType<typeof Alternative>).definition));
      lines.push(`${rule.name} ::= ${alternatives[0]}`);
      for (const alternative of alternatives.slice(1)) lines.push(`${" ".repeat(rule.name.length + 3)}| ${alternative}`);
    } else lines.push(`${rule.name} ::= ${sequence(rule.definition)}`);
  }
  lines.push("", "(* ---- tokens, in the order the lexer tries them; keywords are written in quotes above ---- *)");
  for (const token of allTokens) {
    if (keywordTypes.has(token)) continue;
    const pattern = token.PATTERN;
    const shown =
      token.name === "Word"
        ? "(any keyword or Identifier)"
        : pattern instanceof RegExp
        ? `/${pattern.source}/`
        : typeof pattern === "string"
          ? `'${pattern}'`
          : "(scanned in code: see jsonata-block.ts)";
    const note = token.GROUP === "comments" ? "  (* kept for spec fmt *)" : token.GROUP !== undefined ? "  (* skipped *)" : "";
    lines.push(`${token.name} ::= ${shown}${note}`);
  }
  lines.push(`keywords ::= ${Object.keys(keywords).map((k) => `'${k}'`).join(" | ")}`);
  return `${lines.join("\n")}\n`;
}

/** The `diagrams/` folder of the installed Chevrotain package (its entry is `lib/src/api.js`). */
const diagramsDir = join(dirname(createRequire(import.meta.url).resolve("chevrotain")), "..", "..", "diagrams");

const CDN_STYLESHEET = /<link rel='stylesheet' href='https:\/\/unpkg\.com\/chevrotain@[^/']+\/diagrams\/([\w./-]+)'>/g;
const CDN_SCRIPT = /<script src='https:\/\/unpkg\.com\/chevrotain@[^/']+\/diagrams\/([\w./-]+)'><\/script>/g;

/**
 * Chevrotain's page loads its stylesheet and scripts from a CDN, so it draws nothing offline. The
 * same files ship in the package: they are written into the page instead.
 */
function inlineDiagramAssets(page: string): string {
  const asset = (file: string) => readFileSync(join(diagramsDir, file), "utf8").replace(/<\/(script|style)/gi, "<\\/$1");
  const inlined = page
    .replace(CDN_STYLESHEET, (_link, file: string) => `<style>\n${asset(file)}</style>`)
    .replace(CDN_SCRIPT, (_script, file: string) => `<script>\n${asset(file)}</script>`);
  if (/(src|href)=['"]https?:/.test(inlined)) throw new Error("the railroad page still loads something from the network");
  return inlined;
}

/** The railroad diagram page, self-contained: it draws offline. */
export function railroadHtml(): string {
  return inlineDiagramAssets(createSyntaxDiagramsCode(dslParser().getSerializedGastProductions()));
}

/** The parse-tree types, as a TypeScript module. */
export function cstTypesSource(): string {
  const body = generateCstDts(dslParser().getGAstProductions(), { includeVisitorInterface: false }).replace(
    'import type { CstNode, ICstVisitor, IToken } from "chevrotain";',
    'import type { CstNode, IToken } from "chevrotain";',
  );
  return `/**\n * The parse tree's types, generated by Chevrotain (generateCstDts) from the parser. Do not edit:\n * run UPDATE_GOLDEN=1 npx vitest run test/dsl/grammar.test.ts after changing the grammar.\n */\n${body}`;
}
