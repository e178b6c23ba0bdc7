// Positions for JSON.parse failures. V8's messages rarely carry one, so the slow path
// re-scans with jsonc-parser, which reports the offset of the first error.

import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';

export interface JsonErrorInfo {
  offset: number;
  length: number;
  message: string;
}

export function jsonErrorInfo(text: string): JsonErrorInfo {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (!first) return { offset: text.length, length: 0, message: 'Unexpected end of JSON input' };
  return { offset: first.offset, length: first.length, message: printParseErrorCode(first.error) };
}

export function jsonErrorPosition(text: string, _error: unknown): number {
  return jsonErrorInfo(text).offset;
}
