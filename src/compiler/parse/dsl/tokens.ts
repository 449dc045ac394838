/**
 * The DSL's tokens, in the order the lexer tries them. Order matters: skipped layout first, then
 * the tokens that start with the same characters as shorter ones (`{{` before `{`, `..` before
 * `.`), then keywords (each falls back to an identifier when it is only the start of a longer
 * word, so `mapping-id` is a name), and identifiers last.
 */
import type { CustomPatternMatcherReturn, TokenType } from "chevrotain";
import { chevrotain } from "./chevrotain.ts";
import { scanBraceBlock } from "./jsonata-block.ts";

const { createToken, Lexer } = chevrotain;

// 1. Layout and comments. Comments are kept (group "comments") so `spec fmt` can put them back.
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f\uFEFF]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: "Comment", pattern: /(?:#|\/\/)[^\n\r]*/, group: "comments", label: "a comment" });

// 2. JSONata blocks. `{{ ... }}` counts the braces inside, so `{{ {"a": {"b": 1}} }}` is one block.
function matchBraceBlock(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text.charCodeAt(offset) !== 123 || text.charCodeAt(offset + 1) !== 123) return null;
  const scan = scanBraceBlock(text, offset);
  if (scan.problem !== undefined && scan.problem.kind !== "stray-brace") return null;
  return [text.slice(offset, scan.end)] as CustomPatternMatcherReturn;
}
function matchBrokenBraceBlock(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (text.charCodeAt(offset) !== 123 || text.charCodeAt(offset + 1) !== 123) return null;
  return [text.slice(offset, scanBraceBlock(text, offset).end)] as CustomPatternMatcherReturn;
}
export const JsonataBlock = createToken({
  name: "JsonataBlock",
  pattern: { exec: matchBraceBlock },
  start_chars_hint: ["{"],
  line_breaks: true,
  label: "a JSONata block {{ ... }}",
});
/** A `{{` block that never closes (or whose inner braces do not balance); reported, then read as a block. */
export const BrokenJsonataBlock = createToken({
  name: "BrokenJsonataBlock",
  pattern: { exec: matchBrokenBraceBlock },
  start_chars_hint: ["{"],
  line_breaks: true,
  categories: [JsonataBlock],
  label: "a JSONata block {{ ... }}",
});
export const JsonataFence = createToken({ name: "JsonataFence", pattern: /```[\s\S]*?```/, line_breaks: true, label: "a fenced JSONata block ``` ... ```" });
/** A fence that never closes: runs to the end of the file. */
export const BrokenJsonataFence = createToken({ name: "BrokenJsonataFence", pattern: /```[\s\S]*/, line_breaks: true, categories: [JsonataFence], label: "a fenced JSONata block ``` ... ```" });

// 3. Strings: JSON's escapes; a string that is not closed on its line, or has a bad escape, is its own token.
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\n\r]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/,
  label: "a quoted string",
});
export const BadString = createToken({ name: "BadString", pattern: /"(?:[^"\\\n\r]|\\[^\n\r]?)*"?/, categories: [StringLiteral], label: "a quoted string" });

// 4. Punctuation.
export const LCurly = createToken({ name: "LCurly", pattern: "{", label: "'{'" });
export const RCurly = createToken({ name: "RCurly", pattern: "}", label: "'}'" });
export const LBracket = createToken({ name: "LBracket", pattern: "[", label: "'['" });
export const RBracket = createToken({ name: "RBracket", pattern: "]", label: "']'" });
export const LParen = createToken({ name: "LParen", pattern: "(", label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: ")", label: "')'" });
export const Comma = createToken({ name: "Comma", pattern: ",", label: "','" });
export const Semicolon = createToken({ name: "Semicolon", pattern: ";", label: "';'" });
export const Colon = createToken({ name: "Colon", pattern: ":", label: "':'" });
export const Range = createToken({ name: "Range", pattern: "..", label: "'..' (as in 1s..5m)" });
export const Dot = createToken({ name: "Dot", pattern: ".", label: "'.'" });

// 5. Numbers, durations and versions: a digit first (`8`, `-1.5`, `30s`, `1.2.0`). The reader decides
//    from the slot whether it is a number or a string.
export const NumberLike = createToken({
  name: "NumberLike",
  pattern: /-?[0-9][A-Za-z0-9_+-]*(?:\.[A-Za-z0-9_+-]+)*/,
  label: "a number, duration or version",
});

// 6. Words: every keyword and every identifier is a Word, so keys and values may be keywords.
export const Word = createToken({ name: "Word", pattern: Lexer.NA, label: "a word" });
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_$][A-Za-z0-9_$-]*/, categories: [Word], label: "a name" });

/** Every keyword, by its text. */
export const keywords: Record<string, TokenType> = {};

function keyword(text: string): TokenType {
  const name = text.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase());
  const token = createToken({ name, pattern: new RegExp(text.replace("-", "\\-")), longer_alt: Identifier, categories: [Word], label: `'${text}'` });
  keywords[text] = token;
  return token;
}

// Document kinds and the header.
export const System = keyword("system");
export const Entity = keyword("entity");
export const Ownership = keyword("ownership");
export const Mapping = keyword("mapping");
export const Route = keyword("route");
export const Reconciliation = keyword("reconciliation");
export const Policy = keyword("policy");
export const Version = keyword("version");
export const Team = keyword("team");
// Literals.
export const True = keyword("true");
export const False = keyword("false");
export const Null = keyword("null");
// Routes: trigger, keys and policies.
export const On = keyword("on");
export const Canonical = keyword("canonical");
export const Schedule = keyword("schedule");
export const When = keyword("when");
export const Key = keyword("key");
export const Order = keyword("order");
export const By = keyword("by");
export const Steps = keyword("steps");
export const Retry = keyword("retry");
export const Times = keyword("times");
export const Jitter = keyword("jitter");
export const Timeout = keyword("timeout");
export const Breaker = keyword("breaker");
export const After = keyword("after");
export const Failures = keyword("failures");
export const Reset = keyword("reset");
export const Probes = keyword("probes");
export const DeadLetter = keyword("dead-letter");
export const Exceptions = keyword("exceptions");
export const Owner = keyword("owner");
export const Sla = keyword("sla");
export const Guard = keyword("guard");
export const Ignore = keyword("ignore");
export const Origin = keyword("origin");
// Route steps.
export const Step = keyword("step");
export const Validate = keyword("validate");
export const MapKeyword = keyword("map");
export const Enrich = keyword("enrich");
export const With = keyword("with");
export const Classify = keyword("classify");
export const Then = keyword("then");
export const Otherwise = keyword("otherwise");
export const Branch = keyword("branch");
export const Require = keyword("require");
export const In = keyword("in");
export const Wait = keyword("wait");
export const Deliver = keyword("deliver");
export const Using = keyword("using");
export const Correct = keyword("correct");
export const Query = keyword("query");
export const Matching = keyword("matching");
export const Header = keyword("header");
export const Emit = keyword("emit");
export const Reject = keyword("reject");
export const Because = keyword("because");
export const Keep = keyword("keep");
export const Note = keyword("note");
export const From = keyword("from");
export const To = keyword("to");
// Mappings.
export const Lookup = keyword("lookup");
export const Test = keyword("test");
// Ownership.
export const Owned = keyword("owned");
export const Created = keyword("created");
export const Updated = keyword("updated");
export const Replicated = keyword("replicated");
export const Field = keyword("field");

/** Every token, in the order the lexer tries them. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  JsonataBlock,
  BrokenJsonataBlock,
  JsonataFence,
  BrokenJsonataFence,
  StringLiteral,
  BadString,
  LCurly,
  RCurly,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Semicolon,
  Colon,
  Range,
  Dot,
  NumberLike,
  Word,
  ...Object.values(keywords),
  Identifier,
];

let lexer: InstanceType<typeof Lexer> | undefined;

/** The lexer, built on first use (so commands that read no DSL never pay for it). */
export function dslLexer(): InstanceType<typeof Lexer> {
  lexer ??= new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: true });
  return lexer;
}
