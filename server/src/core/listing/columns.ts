// A listing read as columns: typed arrays of offsets into the listing's text, one row per
// module and per parameter, and no object per either. A 100k-parameter .params file would
// otherwise cost ~600k small objects (entries, params, spans, names), which is most of the
// time of a resolve on this kind of machine (slow page faults make every allocation count).
//
// The object view (`modules`, `params`) is still what every consumer gets: it is built on
// first read, by the general reader, so it is the same listing as without columns. Resolvers
// that know the columns (MMEngine's default constructor) never ask for it. .params files and
// plain dumps are read this way (paramsColumns.ts, plainDump.ts, both over columnsBuilder.ts).

import type { LocalParam, ModelListing } from './model.ts';
import type { ParsedClass } from './classExpr.ts';
import { defineLazyFields } from '../lazyFields.ts';

export interface ListingColumns {
  text: string;
  moduleCount: number;
  /** `text.slice(pathStart[m], pathEnd[m])` is module m's path ('' for the root, row 0). */
  pathStart: Int32Array;
  pathEnd: Int32Array;
  parent: Int32Array;
  /**
   * `classTable[classId[m]]` is module m's class: the one the listing gives, or for a module
   * with parameters and none, the general reader's guess (inferKinds.ts). -1: a module without
   * parameters of its own and no class (the general reader calls it a plain Module).
   */
  classId: Int32Array;
  classTable: ModuleClass[];
  /** Module m's own parameters are rows firstParam[m] .. firstParam[m] + ownParamCount[m] - 1. */
  firstParam: Int32Array;
  ownParamCount: Int32Array;

  paramCount: number;
  /** `text.slice(nameStart[p], nameEnd[p])` is parameter p's full name. */
  nameStart: Int32Array;
  nameEnd: Int32Array;
  /** `localTable[localId[p]]` is parameter p's local name, `shapeTable[shapeId[p]]` its shape (shared: never mutate). */
  localId: Int32Array;
  localTable: string[];
  shapeId: Int32Array;
  shapeTable: number[][];
  requiresGrad: Uint8Array;
  /** Same id = the same Parameter (`= other.name`), numbered as the general reader numbers them. */
  tensorId: Int32Array;
  // Rows are modules and parameters in visit order, and no module is shared: module ids are
  // the row numbers, as the general reader numbers them.
}

/** What a resolver reads of a module's class. */
export type ModuleClass = Pick<ParsedClass, 'className' | 'mro' | 'mroQualified' | 'attrs'>;

const COLUMNS = Symbol('listing columns');

/** The listing's columns, when it was read as columns and is still the listing they describe. */
export function columnsOf(listing: ModelListing): ListingColumns | undefined {
  return (listing as { [COLUMNS]?: ListingColumns })[COLUMNS];
}

/**
 * `listing` with `modules` and `params` made by `objects` on first read. The columns are a
 * symbol property, so copies (`{ ...listing }`, sub-listings with other names) lose them and
 * fall back to the objects, which they then hold.
 */
export function withColumns(
  listing: ModelListing,
  columns: ListingColumns,
  objects: () => Pick<ModelListing, 'modules' | 'params'>,
): ModelListing {
  Object.defineProperty(listing, COLUMNS, { value: columns, enumerable: false, configurable: true });
  // A listing given other objects no longer is what the columns describe.
  defineLazyFields(
    listing,
    ['modules', 'params'],
    objects,
    () => delete (listing as { [COLUMNS]?: ListingColumns })[COLUMNS],
  );
  return listing;
}

/** Parameter p's full name. */
export const paramName = (c: ListingColumns, p: number): string => c.text.slice(c.nameStart[p], c.nameEnd[p]);

/** Module m's path. */
export const modulePath = (c: ListingColumns, m: number): string => c.text.slice(c.pathStart[m], c.pathEnd[m]);

/** Module m's own parameters as objects, for the few questions asked of a module's whole parameter list. */
export function localParamsOf(c: ListingColumns, m: number): LocalParam[] {
  const out: LocalParam[] = [];
  for (let p = c.firstParam[m]; p < c.firstParam[m] + c.ownParamCount[m]; p++) {
    out.push({
      name: c.localTable[c.localId[p]],
      shape: c.shapeTable[c.shapeId[p]],
      requiresGrad: c.requiresGrad[p] === 1,
      tensorId: c.tensorId[p],
    });
  }
  return out;
}
