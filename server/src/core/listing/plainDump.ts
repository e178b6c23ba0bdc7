// Reads a plain `name shape` dump (see plainLine.ts for the spellings). Such a dump has no
// classes, no ties and no hooks: module classes are inferred from names and shapes
// (inferKinds.ts) and every guess is recorded on the module. Dumps in visit order read as
// columns (columnsBuilder.ts); the rest, and the objects of any, come from ListingBuilder.

import type { ListingProblem, ListingResult, ModelListing } from './model.ts';
import { ListingBuilder } from './listingBuilder.ts';
import { parsePlainLine, type PlainEntry } from './plainLine.ts';
import type { ShapeInterner } from './shapes.ts';
import { isKnownBuffer } from './stateDictNames.ts';
import { ColumnsBuilder, columnsOrUndefined } from './columnsBuilder.ts';
import { withColumns } from './columns.ts';

const REPORTED_LINES = 20;

export function readPlainDump(text: string, file: string): ListingResult {
  return readAsColumns(text, file) ?? readPlainObjects(text, file);
}

/**
 * Most dumps read as columns (columnsBuilder.ts), their objects made when first asked for.
 * Not coloured ones: their names are cut from a copy with the colour codes blanked out.
 */
function readAsColumns(text: string, file: string): ListingResult | undefined {
  if (text.includes('\u001b')) return undefined;
  const problems: ListingProblem[] = [];
  const columns = columnsOrUndefined(() => {
    const builder = new ColumnsBuilder(text);
    scanLines(text, file, builder.shapeTable, problems, (entry) =>
      builder.addParam(entry.nameStart, entry.nameEnd, entry.shape, entry.requiresGrad, undefined, -1, -1),
    );
    return builder.finish();
  });
  if (!columns) return undefined;
  return {
    listing: withColumns(listingOf(file, [], []), columns, () => readPlainObjects(text, file).listing),
    problems,
  };
}

/** The general reader: every rule of ListingBuilder (tests check the columns reader against it). */
export function readPlainObjects(text: string, file: string): ListingResult {
  const problems: ListingProblem[] = [];
  const builder = new ListingBuilder(problems, { classless: true });
  scanLines(text, file, builder.shapes, problems, (entry) => {
    const span = { file, start: entry.nameStart, end: entry.nameEnd };
    builder.addParam({
      name: entry.name,
      shape: entry.shape,
      requiresGrad: entry.requiresGrad,
      dtype: entry.dtype,
      span,
    });
  });
  const { modules, params } = builder.finish();
  return { listing: listingOf(file, modules, params), problems };
}

const listingOf = (file: string, modules: ModelListing['modules'], params: ModelListing['params']): ModelListing => ({
  format: 'plain-dump',
  file,
  modules,
  params,
  hooks: {},
});

/** Every parameter line to `add`, buffers left out; unparsed lines and the summary to `problems`. */
function scanLines(
  text: string,
  file: string,
  shapes: ShapeInterner,
  problems: ListingProblem[],
  add: (entry: PlainEntry) => void,
): void {
  let unparsed = 0;
  let buffers = 0;
  let parsed = 0;
  // Where the next colour code is (-1: none left): searched once per code, not once per line.
  let escape = text.indexOf('\u001b');
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (escape >= 0 && escape < start) escape = text.indexOf('\u001b', start);
    const entry = isBlankOrComment(text, start, end)
      ? undefined
      : parseLine(text, start, end, escape >= 0 && escape < end, shapes);
    if (entry && isKnownBuffer(entry.name)) buffers++;
    else if (entry) {
      parsed++;
      add(entry);
    } else if (!isBlankOrComment(text, start, end) && unparsed++ < REPORTED_LINES) {
      problems.push({
        severity: 'warning',
        code: 'plain-unparsed-line',
        message: 'Not a `name shape` line; skipped.',
        span: { file, start, end: Math.max(end, start + 1) },
      });
    }
    start = next;
  }
  summarise(problems, file, { unparsed, buffers, parsed });
}

/** A line, with terminal colour codes (pasted from a coloured log) blanked out in place. */
function parseLine(
  text: string,
  start: number,
  end: number,
  coloured: boolean,
  shapes: ShapeInterner,
): PlainEntry | undefined {
  if (!coloured) return parsePlainLine(text, start, end, shapes);
  const blanked = text.slice(start, end).replace(/\u001b\[[0-9;]*[A-Za-z]/g, (code) => ' '.repeat(code.length));
  const entry = parsePlainLine(blanked, 0, blanked.length, shapes);
  return entry && { ...entry, nameStart: entry.nameStart + start, nameEnd: entry.nameEnd + start };
}

function summarise(
  problems: ListingProblem[],
  file: string,
  counts: { unparsed: number; buffers: number; parsed: number },
): void {
  if (counts.unparsed > REPORTED_LINES) {
    problems.push({
      severity: 'warning',
      code: 'plain-unparsed-line',
      message: `${counts.unparsed - REPORTED_LINES} more lines were not \`name shape\` lines.`,
    });
  }
  if (counts.buffers) {
    problems.push({
      severity: 'info',
      code: 'listing-buffers-dropped',
      message: `${counts.buffers} buffers (running_mean, num_batches_tracked, ...) were left out: they are not parameters.`,
    });
  }
  if (!counts.parsed) {
    problems.push({
      severity: 'error',
      code: 'listing-empty',
      message: 'No `name shape` lines found: expected lines like `backbone.conv1.weight torch.Size([64, 3, 7, 7])`.',
      span: { file, start: 0, end: 1 },
    });
  } else {
    problems.push({
      severity: 'info',
      code: 'listing-inferred',
      message:
        'A plain dump has no module classes, ties or hooks: classes were inferred from names and shapes. Use paramwise_dump.py for exact results.',
    });
  }
}

function isBlankOrComment(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return (
    i === end ||
    text.charCodeAt(i) === 35 ||
    (text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 47 && i + 1 < end)
  );
}
