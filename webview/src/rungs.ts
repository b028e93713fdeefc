// Which rung the leaderboard and the curves show: the user's pick when it exists, else the rung
// being trained, else the lowest rung with results. Rung names sort by size ("50k" < "1M").

const UNIT: Readonly<Record<string, number>> = { k: 1e3, K: 1e3, M: 1e6, B: 1e9, G: 1e9 };

export function rungSize(r: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKMBG]?)$/.exec(r);
  return m === null ? Number.POSITIVE_INFINITY : Number(m[1]) * (UNIT[m[2]] ?? 1);
}

export function sortRungs(rungs: Iterable<string>): string[] {
  return [...new Set(rungs)].sort((a, b) => rungSize(a) - rungSize(b) || a.localeCompare(b));
}

export function chooseRung(
  available: readonly string[],
  picked: string | undefined,
  training: string | undefined,
): string | undefined {
  if (picked !== undefined && available.includes(picked)) {
    return picked;
  }
  if (training !== undefined && available.includes(training)) {
    return training;
  }
  return available[0];
}
