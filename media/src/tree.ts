// The group tree: rows (rows.ts) drawn by the virtual table, with selection, expand and
// collapse, and keyboard navigation the way VS Code's own trees behave.

import { COLUMNS, groupCell, paramCell } from './columns.ts';
import type { Model } from './data.ts';
import { buildRows, headerGroup, isFlat, type Rows } from './rows.ts';
import { SortCache } from './sort.ts';
import type { ColumnId, ViewState } from './state.ts';
import { VirtualTable, type PooledRow } from './table.ts';

export interface TreeEvents {
  /** A parameter was selected; `reveal` when the user asked to see it (click, Enter). */
  select(param: number, reveal: boolean): void;
  /** Sort, collapse or selection changed the view state. */
  changed(): void;
  /** The user scrolled (per frame while scrolling). */
  scrolled(): void;
}

export class GroupTree {
  readonly table: VirtualTable;
  private model?: Model;
  private sorts?: SortCache;
  private rows: Rows = { rows: new Int32Array(0), shown: new Int32Array(0), matched: 0 };
  /** Same encoding as a row: a parameter index, or -(group + 1) for a header. */
  private selection: number | undefined;

  constructor(
    parent: HTMLElement,
    private readonly state: ViewState,
    private readonly events: TreeEvents,
  ) {
    this.table = new VirtualTable(parent, COLUMNS, {
      sort: (column) => this.sortBy(column),
      click: (r) => this.click(r),
      scroll: (top) => {
        this.state.scrollTop = top;
        this.events.scrolled();
      },
    });
    this.table.element.tabIndex = 0;
    this.table.element.addEventListener('keydown', (e) => this.key(e));
    this.table.setSort(state.sort);
  }

  get current(): Rows {
    return this.rows;
  }

  /** New data: sorted orders are recomputed, the selection is found again by name. */
  setModel(model: Model): void {
    this.model = model;
    this.sorts = new SortCache(model);
    const selected = this.state.selected === null ? -1 : model.names.indexOf(this.state.selected);
    this.selection = selected >= 0 ? selected : undefined;
    this.refresh();
  }

  /** Filter, sort, mode or collapsed groups changed. */
  refresh(): Rows {
    if (!this.model || !this.sorts) return this.rows;
    const collapsed = new Set(this.state.collapsed[this.state.mode]);
    this.rows = buildRows(this.model, { ...this.state, collapsed }, this.sorts);
    this.table.setSource({ length: this.rows.rows.length, fill: (r, row) => this.fill(r, row) });
    return this.rows;
  }

  selectedParam(): number | undefined {
    return this.selection !== undefined && this.selection >= 0 ? this.selection : undefined;
  }

  private fill(r: number, row: PooledRow): void {
    const m = this.model!;
    const v = this.rows.rows[r];
    row.el.classList.toggle('selected', v === this.selection);
    row.el.classList.toggle('group', v < 0);
    const texts = v < 0 ? this.headerTexts(headerGroup(v)) : COLUMNS.map((c) => paramCell(m, c.id, v));
    if (v < 0) {
      const open = !this.state.collapsed[this.state.mode].includes(headerGroup(v));
      row.twistie.className = `twistie codicon codicon-chevron-${open ? 'down' : 'right'}`;
    } else {
      row.twistie.className = isFlat(this.state.mode, m.groups[this.state.mode][this.groupOf(v)].count)
        ? 'twistie flat'
        : 'twistie indent';
    }
    row.label.textContent = texts[0].text;
    row.cells[0].title = texts[0].title ?? texts[0].text;
    for (let c = 1; c < COLUMNS.length; c++) {
      row.cells[c].textContent = texts[c].text;
      if (texts[c].title) row.cells[c].title = texts[c].title!;
      else row.cells[c].removeAttribute('title');
    }
  }

  private headerTexts(g: number): ReturnType<typeof paramCell>[] {
    const m = this.model!;
    const summary = m.groups[this.state.mode][g];
    return COLUMNS.map((c) => groupCell(m, this.state.mode, c.id, g, summary, this.rows.shown[g]));
  }

  private groupOf(param: number): number {
    return (this.state.mode === 'sets' ? this.model!.set : this.model!.group)[param];
  }

  private sortBy(column: ColumnId): void {
    // Ascending, descending, then back to the framework's order.
    const s = this.state.sort;
    this.state.sort =
      s?.column !== column ? { column, descending: false } : s.descending ? null : { column, descending: true };
    this.table.setSort(this.state.sort);
    this.refresh();
    this.events.changed();
  }

  /** A click on a group row anywhere toggles it, as in VS Code's trees. */
  private click(r: number): void {
    const v = this.rows.rows[r];
    if (v === undefined) return;
    this.selection = v;
    if (v < 0) this.toggle(headerGroup(v));
    else this.selectParam(v, true);
    this.table.render();
  }

  toggle(g: number, open?: boolean): void {
    const list = this.state.collapsed[this.state.mode];
    const isOpen = !list.includes(g);
    if (open === isOpen) return;
    this.state.collapsed[this.state.mode] = isOpen ? [...list, g] : list.filter((x) => x !== g);
    this.refresh();
    this.events.changed();
  }

  private selectParam(p: number, reveal: boolean): void {
    this.state.selected = this.model!.names[p];
    this.events.select(p, reveal);
    this.events.changed();
  }

  private key(e: KeyboardEvent): void {
    const rows = this.rows.rows;
    if (!rows.length) return;
    const at = this.selection === undefined ? -1 : rows.indexOf(this.selection);
    const page = this.table.pageRows();
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      PageDown: at + page,
      PageUp: at - page,
      Home: 0,
      End: rows.length - 1,
    };
    const v = at >= 0 ? rows[at] : undefined;
    if (e.key in moves) this.moveTo(Math.max(0, Math.min(rows.length - 1, moves[e.key])));
    else if (v !== undefined && v < 0 && (e.key === 'ArrowLeft' || e.key === 'ArrowRight'))
      this.toggle(headerGroup(v), e.key === 'ArrowRight');
    else if (v !== undefined && (e.key === 'Enter' || e.key === ' ')) {
      if (v < 0) this.toggle(headerGroup(v));
      else this.selectParam(v, true);
    } else return;
    e.preventDefault();
  }

  private moveTo(r: number): void {
    const v = this.rows.rows[r];
    this.selection = v;
    if (v >= 0) this.selectParam(v, false);
    this.table.reveal(r);
    this.table.render();
  }
}
