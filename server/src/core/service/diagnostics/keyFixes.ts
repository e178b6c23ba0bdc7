// Fixes shared by the key checks: rename a misspelled key, move an entry into the dict that
// reads it (creating `paramwise_cfg=dict(...)` when there is none).

import { PyDict } from '../../pyvalue.ts';
import {
  dictText,
  mergeEntries,
  moveEntry,
  removeEntry,
  renameKey,
  renderEntry,
  replaceSpan,
  insertEntry,
  valueText,
} from '../edits.ts';
import type { ServiceDiagnostic, SourceLookup, TextEdit } from '../types.ts';

type Fix = NonNullable<ServiceDiagnostic['fixes']>[number];

export function renameFix(dict: PyDict, key: string, to: string, sources: SourceLookup | undefined): Fix[] {
  // Renaming onto an existing key would silently drop one of the two entries.
  if (dict.has(to)) return [];
  const edit = renameKey(dict, key, to, sources);
  return edit ? [{ title: `Rename '${key}' to '${to}'`, edits: [edit], preferred: true }] : [];
}

/**
 * Moves `from[key]` into `host[child]` (e.g. into paramwise_cfg). When `host` has no such
 * dict and `from` is `host` itself, the entry is wrapped in place: `custom_keys={...}` becomes
 * `paramwise_cfg=dict(custom_keys={...})`.
 */
export function moveIntoChildFix(
  from: PyDict,
  key: string,
  host: PyDict | undefined,
  child: string,
  sources: SourceLookup | undefined,
): Fix[] {
  const target = host?.get(child);
  const title = `Move '${key}' into ${child}`;
  if (target instanceof PyDict) {
    const edits =
      target.get(key) instanceof PyDict
        ? mergeEntries(from, key, target.get(key) as PyDict, sources)
        : moveEntry(from, key, target, sources);
    return edits ? [{ title, edits, preferred: true }] : [];
  }
  if (!host || target !== undefined) return [];
  const src = dictText(from, sources);
  const value = src && valueText(src, from, key);
  if (!src || value === undefined) return [];
  if (from === host) {
    const ks = from.keySpans.get(key)!;
    const vs = from.valueSpans.get(key)!;
    return [
      {
        title,
        edits: [
          replaceSpan(
            { file: ks.file, start: ks.start, end: vs.end },
            renderEntry(src, child, `dict(${key}=${value})`),
          ),
        ],
        preferred: true,
      },
    ];
  }
  const dst = dictText(host, sources);
  const removal = removeEntry(src, from, key);
  if (!dst || !removal) return [];
  const edits: TextEdit[] = [removal, insertEntry(dst, renderEntry(dst, child, `dict(${key}=${value})`))];
  return [{ title, edits, preferred: true }];
}

/** Moves `from[key]` into the dict `to` as a sibling key (merging two dicts written twice). */
export function moveToFix(
  from: PyDict,
  key: string,
  to: PyDict | undefined,
  where: string,
  sources: SourceLookup | undefined,
): Fix[] {
  if (to?.get(key) instanceof PyDict) {
    const merged = mergeEntries(from, key, getDictOf(to, key), sources);
    return merged ? [{ title: `Merge '${key}' into the one in ${where}`, edits: merged, preferred: true }] : [];
  }
  const edits = to && moveEntry(from, key, to, sources);
  return edits ? [{ title: `Move '${key}' to ${where}`, edits, preferred: true }] : [];
}

function getDictOf(d: PyDict, key: string): PyDict {
  return d.get(key) as PyDict;
}
