// MMEngine's add_params over a listing read as columns (listing/columns.ts): the same walk and
// the same rules as mmengineDefault.ts, reading rows instead of module and parameter objects,
// so a 100k-parameter model costs no object per parameter here either.
//
// It declines (undefined) where the object walk knows more: keys past the bitset's 30, and
// deformable convs (their children's rule reads paths). The caller then walks the objects.

import type { ModelListing, ModuleEntry } from '../listing/model.ts';
import { columnsOf, localParamsOf, paramName, type ListingColumns, type ModuleClass } from '../listing/columns.ts';
import { isConv2d, isDcn, isDepthwiseConv, isNorm } from './moduleKinds.ts';
import type { MatchPrefix } from './keyMatcher.ts';
import { TensorIdSet } from '../torch/tensorIds.ts';
import { paramGroupFor, type Rules } from './mmengineRules.ts';
import type { ResolvedOptimizer, SingleParamGroups } from './types.ts';

export function addParamsFromColumns(
  listing: ModelListing,
  rules: Rules,
  excluded: ResolvedOptimizer['excluded'],
): SingleParamGroups | undefined {
  const c = columnsOf(listing);
  if (!c || !rules.matcher.bitsOnly) return undefined;
  const kinds = moduleKinds(c);
  if (!kinds) return undefined;
  const { matcher } = rules;
  const prefixRow = new Int32Array(c.moduleCount);
  const prefixFound = new Int32Array(c.moduleCount);
  const start = matcher.start();
  const scan: MatchPrefix = { row: 0, found: 0, extra: undefined };
  const outcomeOf = new Int32Array(c.paramCount);
  const rows = new Int32Array(c.paramCount);
  const tensorIds = new Int32Array(c.paramCount);
  const placed = new TensorIdSet();
  let count = 0;
  for (let m = 0; m < c.moduleCount; m++) {
    // Names matched are `${path}.${local}`: a module's scan goes on from its parent's, over its
    // own segment (children of the root start afresh: their names have no leading dot).
    const parent = c.parent[m];
    const segmentStart = parent <= 0 ? c.pathStart[m] : c.pathStart[m] + (c.pathEnd[parent] - c.pathStart[parent]) + 1;
    if (parent > 0) {
      scan.row = prefixRow[parent];
      scan.found = prefixFound[parent];
    }
    matcher.extend(parent > 0 ? scan : start, c.text, segmentStart, scan, c.pathEnd[m]);
    prefixRow[m] = scan.row;
    prefixFound[m] = scan.found;
    const first = c.firstParam[m];
    const end = first + c.ownParamCount[m];
    const norm = kinds.norm[m] === 1;
    const dw = kinds.depthwise[m] === 1;
    for (let p = first; p < end; p++) {
      const tensorId = c.tensorId[p];
      if (rules.bypassDuplicate && placed.has(tensorId)) {
        excluded.push({
          name: paramName(c, p),
          reason: 'bypass_duplicate: already in an earlier group under another name',
        });
        continue;
      }
      if (!c.requiresGrad[p]) {
        excluded.push({ name: paramName(c, p), reason: 'requires_grad=False: skipped by add_params' });
        continue;
      }
      if (rules.bypassDuplicate) placed.add(tensorId);
      const local = c.localTable[c.localId[p]];
      scan.row = prefixRow[m];
      scan.found = prefixFound[m];
      const keysHit = matcher.matchIdAfter(scan, local);
      // The path is read only for deformable convs' children, which this walk declines.
      outcomeOf[count] = paramGroupFor(
        norm,
        dw,
        local === 'bias',
        c.shapeTable[c.shapeId[p]].length,
        '',
        keysHit,
        false,
        rules,
      ).id;
      tensorIds[count] = tensorId;
      rows[count++] = p;
    }
  }
  return {
    kind: 'single-param',
    count,
    outcomes: rules.outcomes,
    outcomeOf,
    nameOf: (i) => paramName(c, rows[i]),
    tensorIds,
  };
}

/** Norm and depth-wise flags by module, asked once per class; undefined when a class is a deformable conv. */
function moduleKinds(c: ListingColumns): { norm: Uint8Array; depthwise: Uint8Array } | undefined {
  const norm = new Uint8Array(c.moduleCount);
  const depthwise = new Uint8Array(c.moduleCount);
  const answers = c.classTable.map((cls) => {
    const entry = entryOfClass(cls);
    return { entry, dcn: isDcn(entry), norm: isNorm(entry), conv: isConv2d(entry) };
  });
  if (answers.some((a) => a.dcn)) return undefined;
  for (let m = 0; m < c.moduleCount; m++) {
    const id = c.classId[m];
    if (id < 0) continue;
    const answer = answers[id];
    if (answer.norm) norm[m] = 1;
    // Convs are few: their depth-wise test may need their weight, so it gets the module's params.
    if (answer.conv && isDepthwiseConv({ ...answer.entry, params: localParamsOf(c, m) })) depthwise[m] = 1;
  }
  return { norm, depthwise };
}

function entryOfClass(cls: ModuleClass): ModuleEntry {
  return {
    path: '',
    className: cls.className,
    mroQualified: cls.mroQualified,
    mro: cls.mro,
    moduleId: -1,
    attrs: cls.attrs,
    params: [],
  };
}
