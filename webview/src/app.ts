// The dashboard's state and its answer to each host message. Views render; this decides what.
import type {
  DesignNode,
  HostMessage,
  Leaderboard,
  WebviewState,
} from '../../src/shared/dashboard-protocol';
import { CurveStore } from './curve-store';
import { CurvesView } from './curves-view';
import { renderDetail, renderPending } from './detail';
import { byId } from './dom';
import type { Host } from './host';
import { HeaderView } from './header';
import { LeaderboardView } from './leaderboard';
import { chooseRung, sortRungs } from './rungs';
import { renderSpending } from './spending';
import { onThemeChange } from './theme';
import { TreeView } from './tree-view';

export const TAB_NAMES = ['curves', 'leaderboard', 'tree', 'spending'] as const;
type Tab = NonNullable<WebviewState['tab']>;

interface RungSelect extends HTMLElement {
  options: { label: string; value: string; selected: boolean }[];
  value: string;
}

/**
 * vscode-tabs does not stretch its panels, so the panels' height is set from the room #main has
 * (less the tab header), or 60% of the window when the detail pane stacks under the tabs.
 */
function fitPanels(): void {
  const main = byId('main');
  const tabs = byId('tabs');
  const apply = (): void => {
    const head = tabs.shadowRoot?.querySelector<HTMLElement>('.header')?.offsetHeight ?? 36;
    const stacked = getComputedStyle(main).flexDirection === 'column';
    const h = stacked ? Math.max(280, window.innerHeight * 0.6) : main.clientHeight - head;
    tabs.style.setProperty('--panel-h', `${Math.max(120, Math.floor(h))}px`);
  };
  new ResizeObserver(apply).observe(main);
  apply();
}

export class App {
  private designs: readonly DesignNode[] = [];
  private leaderboards: readonly Leaderboard[] = [];
  private trainingRung: string | undefined;
  private rung: string | undefined;
  private readonly curves = new CurveStore();
  private readonly header: HeaderView;
  private readonly curvesView: CurvesView;
  private readonly board: LeaderboardView;
  private readonly tree: TreeView;
  private readonly rungSelect = byId('rung') as RungSelect;
  private readonly detailBox = byId('detail');

  constructor(private readonly host: Host) {
    const select = (id: string): void => {
      this.select(id);
    };
    this.header = new HeaderView(() => {
      host.post({ type: 'stop-training' });
    });
    this.curvesView = new CurvesView(
      byId('curves'),
      byId('legend'),
      this.curves,
      new Set(host.state.hidden),
      {
        toggled: (hidden) => {
          host.save({ hidden });
        },
      },
    );
    this.board = new LeaderboardView(
      byId('leaderboard') as HTMLTableElement,
      byId('leaderboard-empty'),
      select,
    );
    this.tree = new TreeView(
      byId('tree'),
      byId('tree-canvas') as HTMLCanvasElement,
      byId('tree-tooltip'),
      byId('tree-legend'),
      select,
    );
    byId('tree-fit').addEventListener('click', () => {
      this.tree.fit();
    });
    this.rungSelect.addEventListener('change', () => {
      host.save({ rung: this.rungSelect.value });
      this.refreshRung();
    });
    this.initTabs();
    fitPanels();
    onThemeChange(() => {
      this.curvesView.retheme();
      this.tree.retheme();
    });
  }

  handle(m: HostMessage): void {
    switch (m.type) {
      case 'snapshot':
        this.curves.reset(m.curves);
        this.header.spending(m.spending);
        renderSpending(
          byId('spending-total'),
          byId('spending-table') as HTMLTableElement,
          m.spending,
        );
        this.training(m.training);
        this.setDesigns(m.designs, m.leaderboards, true);
        this.restoreSelection();
        break;
      case 'designs':
        this.setDesigns(m.designs, m.leaderboards, false);
        break;
      case 'curve-append': {
        // Asked before the append: after it, the new curve's rung is always known.
        const knownRung = this.rungs().includes(m.rung);
        const isNew = this.curves.append(m, m.tokens, m.loss);
        if (isNew && !knownRung) {
          this.refreshRung();
        } else {
          this.curvesView.appended(m.key, isNew);
        }
        break;
      }
      case 'training':
        this.training(m.status);
        break;
      case 'spending':
        this.header.spending(m.spending);
        renderSpending(
          byId('spending-total'),
          byId('spending-table') as HTMLTableElement,
          m.spending,
        );
        break;
      case 'detail':
        if (m.detail.id === this.host.state.selected) {
          renderDetail(
            this.detailBox,
            m.detail,
            (x) => {
              this.host.post(x);
            },
            (id) => {
              this.select(id);
            },
          );
        }
        break;
      case 'focus':
        this.select(m.id);
        break;
      case 'notice':
        this.header.notice(m);
        break;
    }
  }

  /** Selects a design everywhere and asks the host for its detail. */
  select(id: string): void {
    this.host.save({ selected: id });
    this.board.select(id);
    this.tree.select(id);
    this.curvesView.select(id);
    renderPending(this.detailBox, id);
    this.host.post({ type: 'select', id });
  }

  private restoreSelection(): void {
    const sel = this.host.state.selected;
    if (sel !== undefined && this.designs.some((d) => d.id === sel)) {
      this.select(sel);
    }
  }

  private training(t: Parameters<HeaderView['training']>[0]): void {
    this.header.training(t);
    const before = this.trainingRung;
    this.trainingRung = t?.rung;
    if (before !== this.trainingRung) {
      this.refreshRung();
    }
  }

  private setDesigns(
    designs: readonly DesignNode[],
    boards: readonly Leaderboard[],
    all: boolean,
  ): void {
    const sel = this.host.state.selected;
    const before = this.designs.find((d) => d.id === sel);
    const after = designs.find((d) => d.id === sel);
    this.designs = designs;
    this.leaderboards = boards;
    if (!all && sel !== undefined && before !== undefined && after !== undefined) {
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        // the selected design changed (status, fitness): its shown detail is stale
        this.host.post({ type: 'select', id: sel });
      }
    }
    byId('empty').hidden = designs.length > 0;
    byId('main').hidden = designs.length === 0;
    this.tree.setDesigns(designs);
    this.tree.select(this.host.state.selected);
    this.refreshRung(all);
  }

  private rungs(): string[] {
    return sortRungs([...this.leaderboards.map((b) => b.rung), ...this.curves.rungs()]);
  }

  /** Recomputes the shown rung; redraws the leaderboard, and the curves when the rung changed. */
  private refreshRung(force = true): void {
    const rungs = this.rungs();
    const rung = chooseRung(rungs, this.host.state.rung, this.trainingRung);
    this.rungSelect.options = rungs.map((r) => ({ label: r, value: r, selected: r === rung }));
    this.rungSelect.value = rung ?? '';
    const changed = rung !== this.rung;
    this.rung = rung;
    this.board.render(
      this.leaderboards.find((b) => b.rung === rung),
      this.host.state.selected,
    );
    if (changed || force) {
      this.curvesView.reset(rung);
    }
  }

  private initTabs(): void {
    const tabs = byId('tabs');
    const saved = this.host.state.tab;
    if (saved !== undefined) {
      tabs.setAttribute('selected-index', String(TAB_NAMES.indexOf(saved)));
    }
    tabs.addEventListener('vsc-tabs-select', (ev) => {
      const i = (ev as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const tab = TAB_NAMES[i] as Tab | undefined;
      if (tab !== undefined) {
        this.host.save({ tab });
      }
    });
  }
}
