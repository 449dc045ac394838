/** Tokens in words, for syntax messages: `the keyword 'map'`, `'}'`, `the end of the file`. */
import type { IToken, TokenType } from "chevrotain";
import { chevrotain } from "./chevrotain.ts";
import { Identifier, Word } from "./tokens.ts";

const { EOF, tokenMatcher } = chevrotain;

const MAX_SHOWN = 30;

/** What a token type is, as a reader would say it. */
export function describeTokenType(type: TokenType): string {
  if (type === EOF) return "the end of the file";
  return type.LABEL ?? type.name;
}

/** What was found, as a reader would say it; `nameExpected` adds how to use a keyword as a name. */
export function describeToken(token: IToken, nameExpected = false): string {
  if (token.tokenType === EOF) return "the end of the file";
  const image = token.image.length > MAX_SHOWN ? `${token.image.slice(0, MAX_SHOWN)}...` : token.image;
  if (tokenMatcher(token, Word) && token.tokenType !== Identifier) {
    return nameExpected ? `the keyword '${image}' (write "${image}" in quotes to use it as a name)` : `the keyword '${image}'`;
  }
  return `'${image}'`;
}
