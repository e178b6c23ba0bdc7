// MMEngine rewrites a config's text before parsing it (`_substitute_predefined_vars`,
// `_substitute_env_variables`, `_pre_substitute_base_vars`). We do the same rewrite, but keep
// a map from the rewritten text back to the file so every span still points at what the
// user wrote.
import { basename, dirname, extname } from '../paths.ts';
import type { Span } from '../pyvalue.ts';

interface Edit {
  origStart: number;
  origEnd: number;
  newStart: number;
  newEnd: number;
}

/** Maps offsets in substituted text back to offsets in the original file. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly edits: Edit[] = [],
  ) {}

  toOriginal(pos: number, isEnd: boolean): number {
    // Last edit starting before `pos` (at or before it for a start offset), by binary search.
    let lo = 0;
    let hi = this.edits.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.edits[mid].newStart;
      if (s < pos || (!isEnd && s === pos)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return pos;
    const e = this.edits[found];
    if (isEnd ? pos <= e.newEnd : pos < e.newEnd) return isEnd ? e.origEnd : e.origStart;
    return pos - (e.newEnd - e.origEnd);
  }

  span(start: number, end: number): Span {
    if (!this.edits.length) return { file: this.file, start, end };
    return { file: this.file, start: this.toOriginal(start, false), end: this.toOriginal(end, true) };
  }
}

export interface SubstitutionProblem {
  varName: string;
  start: number;
  end: number;
}

export interface Substituted {
  text: string;
  map: SourceMap;
  /** placeholder string -> dotted path under `_base_` (MMEngine's `base_var_dict`) */
  baseVars: Map<string, string>;
  /** `{{$VAR:}}` with neither an environment value nor a default (MMEngine raises KeyError) */
  missingEnv: SubstitutionProblem[];
}

const PATTERN = new RegExp(
  [
    String.raw`\{\{\s*(fileDirname|fileBasename|fileBasenameNoExtension|fileExtname)\s*\}\}`,
    String.raw`\{\{['"]?\s*\$(\w+)\s*:\s*(\S*?)\s*['"]?\}\}`,
    String.raw`\{\{\s*_base_\.([\w.]+)\s*\}\}`,
  ].join('|'),
  'g',
);

// Placeholders follow MMEngine's `_<var>_<random>` shape; a fixed suffix keeps runs reproducible.
const PLACEHOLDER_SUFFIX = '_pwbase7f3a';

export function substitute(file: string, text: string, env: Record<string, string | undefined> | undefined): Substituted {
  const baseVars = new Map<string, string>();
  const missingEnv: SubstitutionProblem[] = [];
  if (!text.includes('{{')) return { text, map: new SourceMap(file), baseVars, missingEnv };
  const predefined: Record<string, string> = {
    fileDirname: dirname(file),
    fileBasename: basename(file),
    fileBasenameNoExtension: basename(file).slice(0, basename(file).length - extname(file).length),
    fileExtname: extname(file),
  };
  const edits: Edit[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PATTERN)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    let replacement: string;
    if (m[1]) replacement = predefined[m[1]].replace(/\\/g, '/');
    else if (m[2]) {
      const value = env?.[m[2]] ?? m[3];
      if (!value) missingEnv.push({ varName: m[2], start, end });
      replacement = value ?? '';
    } else {
      const placeholder = `_${m[4]}${PLACEHOLDER_SUFFIX}`;
      baseVars.set(placeholder, m[4]);
      replacement = `"${placeholder}"`;
    }
    out += text.slice(last, start);
    edits.push({ origStart: start, origEnd: end, newStart: out.length, newEnd: out.length + replacement.length });
    out += replacement;
    last = end;
  }
  out += text.slice(last);
  return { text: out, map: new SourceMap(file, edits), baseVars, missingEnv };
}
