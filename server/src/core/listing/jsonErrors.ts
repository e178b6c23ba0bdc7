// Positions for JSON.parse failures. V8 names a position for most errors ("... at position
// 12"); for the rest (an early end) a re-scan with jsonc-parser finds the offset.

import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface JsonErrorInfo {
  offset: number;
  length: number;
  message: string;
}

/** Where `text` stops being JSON; `error` is what JSON.parse threw, when there is one. */
export function jsonErrorInfo(text: string, error?: unknown): JsonErrorInfo {
  const v8 = error instanceof Error ? / in JSON at position (\d+)/.exec(error.message) : null;
  if (v8)
    return {
      offset: Math.min(Number(v8[1]), text.length),
      length: 1,
      message: error instanceof Error ? error.message.replace(/ in JSON at position \d+.*$/, '') : '',
    };
  const errors: ParseError[] = [];
  try {
    parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  } catch {
    // jsonc-parser recurses: absurdly deep nesting overflows the stack. The end is a safe answer.
  }
  const first = errors[0];
  if (!first) return { offset: text.length, length: 0, message: 'Unexpected end of JSON input' };
  const message =
    first.offset >= text.trimEnd().length ? 'Unexpected end of JSON input' : words(printParseErrorCode(first.error));
  return { offset: first.offset, length: first.length, message };
}

export function jsonErrorPosition(text: string, error: unknown): number {
  return jsonErrorInfo(text, error).offset;
}

/** `ValueExpected` -> `Value expected`. */
const words = (code: string): string =>
  code.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').replace(/ [A-Z]/g, (m) => m.toLowerCase());
