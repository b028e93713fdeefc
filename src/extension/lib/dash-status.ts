// The run in progress as the status bar, the dashboard's header and the log show it: built from
// trainer messages, formatted in short words. vscode-free.
import type { TrainingStatus } from '../../shared/dashboard-protocol';
import type { TrainerMessage } from '../../train/protocol';

/** 42s, 3m05s, 1h02m. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) {
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  }
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** 950, 12.3k, 1.2M tokens/s. */
export function rate(perSec: number): string {
  if (!Number.isFinite(perSec) || perSec <= 0) {
    return '0';
  }
  if (perSec >= 1e6) {
    return `${(perSec / 1e6).toFixed(1)}M`;
  }
  return perSec >= 1e3 ? `${(perSec / 1e3).toFixed(1)}k` : `${Math.round(perSec)}`;
}

/** A run just started: nothing measured yet. */
export function freshStatus(design: string, rung: string, evolving = false): TrainingStatus {
  return {
    design,
    rung,
    step: 0,
    totalSteps: 0,
    tokensPerSec: 0,
    etaMs: 0,
    loss: NaN,
    ...(evolving ? { evolving } : {}),
  };
}

/** The status after `m` (the previous status, or a fresh one when there was none). */
export function nextStatus(
  prev: TrainingStatus | null,
  design: string,
  rung: string,
  m: TrainerMessage,
  evolving = false,
): TrainingStatus | null {
  const base =
    prev !== null && prev.design === design && prev.rung === rung
      ? prev
      : freshStatus(design, rung, evolving);
  switch (m.type) {
    case 'hello':
      return { ...base, step: m.resumedFrom, totalSteps: m.totalSteps };
    case 'progress':
      return {
        ...base,
        step: m.step,
        totalSteps: m.totalSteps,
        tokensPerSec: m.tokensPerSec,
        etaMs: m.etaMs,
        loss: m.loss,
      };
    case 'done':
    case 'error':
      return null;
    default:
      return base;
  }
}

/** The status bar's text: "$(sync~spin) <design> @<rung> 1.2k tok/s ETA 3m05s". */
export function statusBarText(s: TrainingStatus): string {
  const parts = [`$(sync~spin) ${s.design} @${s.rung}`];
  if (s.totalSteps > 0) {
    parts.push(`${Math.floor((100 * s.step) / s.totalSteps)}%`);
  }
  if (s.tokensPerSec > 0) {
    parts.push(`${rate(s.tokensPerSec)} tok/s`, `ETA ${duration(s.etaMs)}`);
  }
  return parts.join(' ');
}

export function statusBarTooltip(s: TrainingStatus): string {
  const loss = Number.isFinite(s.loss) ? `, loss ${s.loss.toFixed(3)}` : '';
  const who = s.evolving === true ? ' (Evolve)' : '';
  return `Blocksmith: training ${s.design} at rung ${s.rung}${who}: step ${s.step}/${s.totalSteps}${loss}. Click to open the dashboard.`;
}

/** One log line for the messages worth a line (hello, eval, checkpoint, probe, done, error). */
export function logLine(design: string, rung: string, m: TrainerMessage): string | undefined {
  const at = `${design}@${rung}`;
  switch (m.type) {
    case 'hello':
      return (
        `${at}: training on ${m.backend} (${m.device}, ${m.workers} worker(s)), ${m.totalSteps} steps` +
        (m.resumedFrom > 0 ? `, resumed from step ${m.resumedFrom}` : '') +
        (m.warnings ?? []).map((w) => `\n${at}: warning: ${w}`).join('')
      );
    case 'eval':
      return (
        `${at}: step ${m.step}: validation loss ${m.valLoss.toFixed(4)}` +
        (m.bitsPerByte !== undefined ? ` (${m.bitsPerByte.toFixed(3)} bits/byte)` : '')
      );
    case 'checkpoint':
      return `${at}: checkpoint at step ${m.step}`;
    case 'probe':
      return `${at}: probe ${m.name}: accuracy ${(m.accuracy * 100).toFixed(1)}%`;
    case 'done':
      return `${at}: ${m.status} at step ${m.step}; report ${m.report}`;
    case 'error':
      return `${at}: ${m.kind} error${m.step !== undefined ? ` at step ${m.step}` : ''}: ${m.message}`;
    default:
      return undefined;
  }
}
