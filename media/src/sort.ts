// Parameter orders for each sortable column, computed on demand and cached per model:
// a 100k-element sort takes tens of milliseconds, so filtering reuses the sorted order.

import type { Model } from './data.ts';
import type { ColumnId } from './state.ts';

export class SortCache {
  private readonly orders = new Map<string, Int32Array>();
  constructor(private readonly model: Model) {}

  order(column: ColumnId, descending: boolean): Int32Array {
    const key = `${column}:${descending}`;
    let order = this.orders.get(key);
    if (!order) {
      order = sortBy(this.model.n, sortKey(this.model, column), descending);
      this.orders.set(key, order);
    }
    return order;
  }
}

/** Ascending key per parameter; NaN sorts last in either direction, ties keep framework order. */
function sortBy(n: number, key: Float64Array, descending: boolean): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sign = descending ? -1 : 1;
  return order.sort((a, b) => {
    const ka = key[a];
    const kb = key[b];
    if (ka !== kb) {
      if (Number.isNaN(ka)) return Number.isNaN(kb) ? a - b : 1;
      if (Number.isNaN(kb)) return -1;
      return ka < kb ? -sign : sign;
    }
    return a - b;
  });
}

function sortKey(m: Model, column: ColumnId): Float64Array {
  switch (column) {
    case 'lr':
      return m.lr;
    case 'wd':
      return m.wd;
    case 'lrWd':
      return m.lrWd;
    case 'lrScale':
      return m.lrScale;
    case 'layer':
      return m.layer;
    case 'numel':
      return m.numel;
    case 'group':
      return Float64Array.from(m.group);
    case 'rule':
      return byTable(m.rule, rankStrings(m.payload.rules.map((r) => r.label)));
    case 'shape':
      return byTable(m.shape, rankShapes(m.payload.shapes));
    case 'name':
      return rankNames(m.names);
  }
}

function byTable(index: Int32Array, rank: Int32Array): Float64Array {
  const key = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) key[i] = rank[index[i]];
  return key;
}

function rankOf(n: number, compare: (a: number, b: number) => number): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i).sort(compare);
  const rank = new Int32Array(n);
  order.forEach((item, r) => (rank[item] = r));
  return rank;
}

/** Plain code-unit comparison: localeCompare over 100k names costs seconds. */
function rankStrings(items: string[]): Int32Array {
  return rankOf(items.length, (a, b) => (items[a] < items[b] ? -1 : items[a] > items[b] ? 1 : 0));
}

function rankNames(names: string[]): Float64Array {
  return Float64Array.from(rankStrings(names));
}

/** Shapes by element count, then rank, then text ("[512]" before "[512, 512]"). */
function rankShapes(shapes: string[]): Int32Array {
  const dims = shapes.map((s) => (s.match(/\d+/g) ?? []).map(Number));
  const numel = dims.map((d) => d.reduce((a, b) => a * b, 1));
  return rankOf(
    shapes.length,
    (a, b) =>
      numel[a] - numel[b] ||
      dims[a].length - dims[b].length ||
      (shapes[a] < shapes[b] ? -1 : shapes[a] > shapes[b] ? 1 : 0),
  );
}
