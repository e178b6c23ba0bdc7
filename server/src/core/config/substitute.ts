// MMEngine rewrites a config's text before parsing it (`_substitute_predefined_vars`,
// `_substitute_env_variables`, `_pre_substitute_base_vars`). We do the same rewrite, but keep
// a map from the rewritten text back to the file so every span still points at what the
// user wrote.
import { basename, dirname, extname } from '../paths.ts';
import { SourceMap, type Edit } from '../python/sourceMap.ts';

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

export function substitute(
  file: string,
  text: string,
  env: Record<string, string | undefined> | undefined,
): Substituted {
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
