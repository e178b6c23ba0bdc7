// A virtualised <vscode-table>: a fixed pool of rows, about one screenful, is refilled as
// the user scrolls, and padding on the table body stands in for the rows above and below.
// 100k parameters thus cost ~40 row elements, not 100k.

import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import type { Column } from './columns.ts';
import type { ColumnId, ViewState } from './state.ts';

/** Matches `vscode-table-cell { height }` in explorer.css (VS Code's list row height). */
export const ROW_HEIGHT = 22;

export interface PooledRow {
  el: HTMLElement;
  cells: HTMLElement[];
  twistie: HTMLElement;
  label: HTMLElement;
}

export interface TableSource {
  length: number;
  fill(rowIndex: number, row: PooledRow): void;
}

export interface TableEvents {
  sort(column: ColumnId): void;
  click(rowIndex: number): void;
  scroll(top: number): void;
}

type Lit = HTMLElement & { updateComplete: Promise<unknown> };
type Scrollable = Lit & { scrollPos: number };

export class VirtualTable {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly headers = new Map<ColumnId, HTMLElement>();
  private readonly pool: PooledRow[] = [];
  private source: TableSource = { length: 0, fill: () => undefined };
  private scrollable?: Scrollable;
  private container?: HTMLElement;
  private pendingTop = 0;
  /** Height of the rows' viewport, kept by ResizeObservers so that rendering never forces a layout. */
  private viewport = 0;
  /** Which columns fitColumns hid last, to touch the DOM only when that changes. */
  private hiddenKey = '';

  constructor(
    parent: HTMLElement,
    private readonly columns: Column[],
    private readonly events: TableEvents,
  ) {
    this.element = document.createElement('vscode-table');
    this.element.setAttribute('resizable', '');
    this.element.setAttribute('columns', JSON.stringify(columns.map((c) => c.width)));
    this.element.append(this.header(), (this.body = document.createElement('vscode-table-body')));
    this.body.slot = 'body';
    this.body.addEventListener('click', (e) => this.onClick(e));
    parent.append(this.element);
    // The body must hold one row from the start: vscode-table sizes columns from the first row.
    this.ensurePool(1);
    new ResizeObserver(() => {
      this.fixScrollableHeight();
      this.fitColumns();
      this.render();
    }).observe(this.element);
    void this.attachScroll();
  }

  setSource(source: TableSource): void {
    this.source = source;
    this.render();
  }

  setSort(sort: ViewState['sort']): void {
    for (const [id, cell] of this.headers) {
      const icon = cell.querySelector('.sort')!;
      const active = sort?.column === id;
      icon.className = `sort codicon ${active ? (sort.descending ? 'codicon-arrow-down' : 'codicon-arrow-up') : ''}`;
      cell.setAttribute('aria-sort', active ? (sort.descending ? 'descending' : 'ascending') : 'none');
    }
  }

  get scrollTop(): number {
    return this.container?.scrollTop ?? this.pendingTop;
  }

  set scrollTop(top: number) {
    this.pendingTop = top;
    // Body height first: vscode-scrollable clamps scrollPos to the current content height.
    this.render();
    if (this.scrollable) this.scrollable.scrollPos = top;
  }

  /** Scrolls just enough to show a row. */
  reveal(rowIndex: number): void {
    const top = rowIndex * ROW_HEIGHT;
    const height = this.viewportHeight();
    if (top < this.scrollTop) this.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scrollTop + height) this.scrollTop = top + ROW_HEIGHT - height;
  }

  /** Rows the viewport shows at once (for Page Up / Page Down). */
  pageRows(): number {
    return Math.max(1, Math.floor(this.viewportHeight() / ROW_HEIGHT));
  }

  render(): void {
    const total = this.source.length;
    const visible = Math.ceil(this.viewportHeight() / ROW_HEIGHT) + 1;
    this.ensurePool(visible);
    const first = Math.max(0, Math.min(Math.floor(this.scrollTop / ROW_HEIGHT), total - visible + 1));
    const used = Math.max(0, Math.min(this.pool.length, total - first));
    this.body.style.paddingTop = `${first * ROW_HEIGHT}px`;
    // Unused pool rows stay in place (hidden): the first row must keep its column widths.
    this.body.style.paddingBottom = `${Math.max(0, total - first - this.pool.length) * ROW_HEIGHT}px`;
    this.pool.forEach((row, k) => {
      const r = first + k;
      row.el.dataset.row = k < used ? String(r) : '';
      row.el.style.visibility = k < used ? '' : 'hidden';
      if (k < used) this.source.fill(r, row);
    });
  }

  private header(): HTMLElement {
    const header = document.createElement('vscode-table-header');
    header.slot = 'header';
    for (const column of this.columns) {
      const cell = document.createElement('vscode-table-header-cell');
      cell.title = column.title;
      cell.dataset.column = column.id;
      cell.classList.toggle('numeric', column.numeric);
      const label = document.createElement('span');
      label.textContent = column.label;
      const sort = document.createElement('span');
      sort.className = 'sort codicon';
      cell.append(label, sort);
      cell.addEventListener('click', () => this.events.sort(column.id));
      this.headers.set(column.id, cell);
      header.append(cell);
    }
    return header;
  }

  /**
   * Below each column's `hideBelow` width its header and cells leave the layout, and the
   * visible columns get the freed width in proportion (through vscode-table's own `columns`,
   * so that its header, first row and resize sashes agree).
   */
  private fitColumns(): void {
    const width = this.element.clientWidth;
    const hidden = this.columns.map((c) => c.hideBelow !== undefined && width > 0 && width < c.hideBelow);
    const key = hidden.join();
    if (key === this.hiddenKey) return;
    this.hiddenKey = key;
    const shown = this.columns.reduce((sum, c, i) => (hidden[i] ? sum : sum + parseFloat(c.width)), 0);
    (this.element as HTMLElement & { columns: string[] }).columns = this.columns.map((c, i) =>
      hidden[i] ? '0%' : `${(parseFloat(c.width) * 100) / shown}%`,
    );
    this.columns.forEach((c, i) => {
      this.headers.get(c.id)?.classList.toggle('narrow-hidden', hidden[i]);
      for (const row of this.pool) row.cells[i].classList.toggle('narrow-hidden', hidden[i]);
    });
  }

  private ensurePool(size: number): void {
    while (this.pool.length < size) {
      const el = document.createElement('vscode-table-row');
      const cells = this.columns.map((c) => {
        const cell = document.createElement('vscode-table-cell');
        cell.classList.toggle('numeric', c.numeric);
        return cell;
      });
      const twistie = document.createElement('span');
      const label = document.createElement('span');
      label.className = 'label';
      cells[0].append(twistie, label);
      el.append(...cells);
      this.body.append(el);
      cells.forEach((cell, i) => cell.classList.toggle('narrow-hidden', this.hiddenKey.split(',')[i] === 'true'));
      this.pool.push({ el, cells, twistie, label });
    }
  }

  private onClick(e: MouseEvent): void {
    const row = (e.target as HTMLElement).closest('vscode-table-row') as HTMLElement | null;
    if (row?.dataset.row) this.events.click(Number(row.dataset.row));
  }

  private viewportHeight(): number {
    return this.viewport || 20 * ROW_HEIGHT;
  }

  /**
   * vscode-table leaves its scroller at `height: auto` when the body is only a little taller
   * than the table, which clips the last rows; a virtual body needs it at the full height.
   */
  private fixScrollableHeight(): void {
    const headerEl = this.element.querySelector('vscode-table-header') as HTMLElement | null;
    const height = this.element.clientHeight - (headerEl?.offsetHeight ?? ROW_HEIGHT);
    if (height <= 0) return;
    this.viewport = height;
    if (this.scrollable) this.scrollable.style.height = `${height}px`;
  }

  /** The scroll container is vscode-scrollable's, inside the table's shadow root. */
  private async attachScroll(): Promise<void> {
    await (this.element as Lit).updateComplete;
    const scrollable = this.element.shadowRoot?.querySelector('vscode-scrollable') as Scrollable | null;
    if (!scrollable) return;
    await scrollable.updateComplete;
    const container = scrollable.shadowRoot?.querySelector('.scrollable-container') as HTMLElement | null;
    if (!container) return;
    this.scrollable = scrollable;
    this.container = container;
    container.addEventListener(
      'scroll',
      () => {
        this.render();
        this.events.scroll(container.scrollTop);
      },
      { passive: true },
    );
    // vscode-table resets the scroller's height when the body resizes: set it back after.
    new ResizeObserver(() => this.fixScrollableHeight()).observe(this.body);
    this.fixScrollableHeight();
    this.scrollTop = this.pendingTop;
  }
}
