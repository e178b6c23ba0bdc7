// Where the cursor is in the config text, read from the text itself rather than the parsed
// config (which lags behind, and is often broken, while the user types): the chain of dict
// keys enclosing the cursor, and whether a key or a value is being typed.

import { stringEnd } from './pyScan.ts';

export interface CursorContext {
  /** Keys of the enclosing dicts, outermost first: ['optim_wrapper', 'paramwise_cfg']. */
  owners: (string | undefined)[];
  /** The bracket that directly encloses the cursor. */
  bracket?: '(' | '{' | '[';
  /** Typing a key (after `(`, `{` or `,`) or the value of `valueFor`. */
  position: 'key' | 'value' | 'other';
  valueFor?: string;
  /** The partial word (inside an open string when `quoted`). */
  prefix: string;
  quoted?: string;
  /** The enclosing dict is `dict(...)` (keys are `name=`) rather than `{...}`. */
  callStyle: boolean;
}

interface Open {
  bracket: '(' | '{' | '[';
  owner?: string;
  callStyle: boolean;
}

export function cursorContext(text: string, offset: number): CursorContext {
  const stack: Open[] = [];
  let i = 0;
  let openQuote: { at: number; q: string } | undefined;
  while (i < offset) {
    const c = text[i];
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? offset : nl;
    } else if (c === '"' || c === "'") {
      const end = stringEnd(text, i);
      if (end > offset || (end === offset && text[end - 1] !== c)) {
        openQuote = { at: i, q: c };
        break;
      }
      i = end;
    } else {
      if (c === '(' || c === '{' || c === '[')
        stack.push({
          bracket: c,
          owner: ownerBefore(text, i),
          callStyle: c === '(' && /dict\s*$/.test(text.slice(Math.max(0, i - 8), i)),
        });
      else if (c === ')' || c === '}' || c === ']') stack.pop();
      i++;
    }
  }
  const top = stack[stack.length - 1];
  const before = text.slice(0, openQuote ? openQuote.at : offset);
  const word = openQuote ? text.slice(openQuote.at + 1, offset) : /[\w.]*$/.exec(before)![0];
  const lead = before.slice(0, before.length - (openQuote ? 0 : word.length)).trimEnd();
  const last = lead[lead.length - 1];
  const ctx: CursorContext = {
    owners: stack.map((s) => s.owner),
    bracket: top?.bracket,
    position: 'other',
    prefix: word,
    quoted: openQuote?.q,
    callStyle: !!top?.callStyle,
  };
  if (last === '(' || last === '{' || last === ',') ctx.position = top?.bracket === '[' ? 'other' : 'key';
  const valueKey = /(?:(\w+)\s*=|['"](\w+)['"]\s*:)$/.exec(lead);
  if (valueKey && (last === '=' || last === ':'))
    Object.assign(ctx, { position: 'value', valueFor: valueKey[1] ?? valueKey[2] });
  return ctx;
}

/** The key a bracket opens the value of: `key=dict(`, `'key': {`, `key = dict(`. */
function ownerBefore(text: string, at: number): string | undefined {
  const head = text.slice(Math.max(0, at - 200), at).replace(/dict\s*$/, '');
  const m = /(?:(\w+)\s*=|['"]([^'"]+)['"]\s*:)\s*$/.exec(head);
  return m ? (m[1] ?? m[2]) : undefined;
}
