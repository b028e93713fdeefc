// The status bar item while a design trains (from the palette or the evolution loop): design, rung,
// progress, tokens/s and ETA; a click opens the dashboard. Hidden when nothing trains. It also
// keeps the current TrainingStatus for the dashboard's header.
import * as vscode from 'vscode';
import type { TrainingStatus } from '../shared/dashboard-protocol';
import { freshStatus, nextStatus, statusBarText, statusBarTooltip } from './lib/dash-status';
import type { Services, TrainingEvent } from './services';

/** Repaints at most this often: progress messages may come many times a second. */
const PAINT_MS = 250;

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private status: TrainingStatus | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<TrainingStatus | null>();
  /** Fires (coalesced) when the status changes; null when the run ended. */
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;
  /** Runs driven by the evolution loop, by `design@rung`. */
  private readonly evolving = new Set<string>();

  constructor(s: Services) {
    this.item = vscode.window.createStatusBarItem(
      'blocksmith.training',
      vscode.StatusBarAlignment.Left,
      100,
    );
    this.item.name = 'Blocksmith Training';
    this.item.command = 'blocksmith.openDashboard';
    this.sub = s.training.event((e) => {
      this.take(e);
    });
  }

  /** Marks the runs the loop drives, so the status says Evolve. */
  markEvolving(design: string, rung: string, on: boolean): void {
    const key = `${design}@${rung}`;
    if (on) {
      this.evolving.add(key);
    } else {
      this.evolving.delete(key);
    }
  }

  current(): TrainingStatus | null {
    return this.status;
  }

  private take(e: TrainingEvent): void {
    const evolving = this.evolving.has(`${e.design}@${e.rung}`);
    if (e.kind === 'start') {
      this.status = freshStatus(e.design, e.rung, evolving);
      this.paint(true);
    } else if (e.kind === 'message') {
      const next = nextStatus(this.status, e.design, e.rung, e.message, evolving);
      // 'done' and 'error' end the status only through the 'end' event (probes may follow)
      this.status = next ?? this.status;
      this.paint(false);
    } else if (this.status?.design === e.design && this.status.rung === e.rung) {
      this.status = null;
      this.paint(true);
    }
  }

  private paint(now: boolean): void {
    if (now) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.flush();
    }, PAINT_MS);
  }

  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const s = this.status;
    if (s === null) {
      this.item.hide();
    } else {
      this.item.text = statusBarText(s);
      this.item.tooltip = statusBarTooltip(s);
      this.item.show();
    }
    this.changed.fire(s);
  }

  dispose(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.sub.dispose();
    this.item.dispose();
    this.changed.dispose();
  }
}
