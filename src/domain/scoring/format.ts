export function roundToTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

export function plural(count: number, word: string): string {
  return `${roundToTenth(count)} ${word}${count === 1 ? '' : 's'}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
