// The header: the run in progress (with Stop) or "idle", spending against its caps, and the
// host's notices shown in place (newest first, dismissable, at most MAX_NOTICES).
import type { HostMessage, Spending, TrainingStatus } from '../../src/shared/dashboard-protocol';
import { byId, compact, duration, el } from './dom';

const MAX_NOTICES = 5;
const ICON = { info: 'info', warning: 'warning', error: 'error' } as const;

export function trainingText(t: TrainingStatus | null): string {
  if (t === null) {
    return 'idle';
  }
  const what = `${t.evolving === true ? 'Evolving: training' : 'Training'} ${t.design} at ${t.rung}`;
  if (t.totalSteps <= 0) {
    // Before the trainer's hello: it is verifying the block and loading the data.
    return `${what} · starting…`;
  }
  const pct = ` (${Math.floor((100 * t.step) / t.totalSteps)}%)`;
  return [
    what,
    `step ${t.step}/${t.totalSteps}${pct}`,
    `${compact(t.tokensPerSec)} tokens/s`,
    `ETA ${duration(t.etaMs)}`,
    `loss ${Number.isFinite(t.loss) ? t.loss.toFixed(3) : '–'}`,
  ].join(' · ');
}

export function spendingText(s: Spending): string {
  const tokens = `${compact(s.tokens)}${s.maxTokens !== undefined ? ` of ${compact(s.maxTokens)}` : ''} tokens`;
  const usd = `$${s.usd.toFixed(2)}${s.maxUsd !== undefined ? ` of $${s.maxUsd.toFixed(2)}` : ''}`;
  return `Spent ${tokens} · ${usd}`;
}

export class HeaderView {
  private readonly text = byId('training');
  private readonly stop = byId('stop');
  private readonly progress = byId('progress') as HTMLElement & { value?: number; max: number };
  private readonly spend = byId('spending-summary');
  private readonly notices = byId('notices');

  constructor(onStop: () => void) {
    this.stop.addEventListener('click', () => {
      onStop();
    });
  }

  training(t: TrainingStatus | null): void {
    this.text.textContent = trainingText(t);
    this.stop.hidden = t === null;
    this.progress.hidden = t === null;
    if (t !== null) {
      this.progress.max = Math.max(1, t.totalSteps);
      this.progress.value = t.step;
    }
  }

  spending(s: Spending): void {
    this.spend.textContent = spendingText(s);
  }

  notice(m: Extract<HostMessage, { type: 'notice' }>): void {
    const div = el('div', `notice ${m.level}`);
    div.setAttribute('role', m.level === 'error' ? 'alert' : 'status');
    const close = el('button', 'close codicon codicon-close');
    close.title = 'Dismiss';
    close.setAttribute('aria-label', 'Dismiss');
    close.addEventListener('click', () => {
      div.remove();
    });
    div.append(el('span', `codicon codicon-${ICON[m.level]}`), el('span', 'text', m.text), close);
    this.notices.prepend(div);
    while (this.notices.childElementCount > MAX_NOTICES) {
      this.notices.lastElementChild!.remove();
    }
  }
}
