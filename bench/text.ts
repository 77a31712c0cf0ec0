import { bestTime, HOSTILE_TEXTS, TEXT_PATHS } from './lib/hostile-text.ts';

const SIZES = [2_048, 8_192, 32_767];

/**
 * Hostile comments and descriptions (issue 12) through every text path, at 2 K, 8 K and 32,767 characters
 * (Jira's limit). Linear code grows ~4× per step; the worst case of each path is what a signed webhook could cost.
 */
export async function runTextBench(): Promise<string> {
  const rows: string[] = [];
  for (const path of TEXT_PATHS) {
    let worst = { name: '', ms: [0, 0, 0] };
    for (const text of HOSTILE_TEXTS) {
      const ms = SIZES.map((size) => bestTime(() => path.run(text.make(size)), 3));
      if ((ms[2] ?? 0) > (worst.ms[2] ?? 0)) worst = { name: text.name, ms };
    }
    const [small = 0, middle = 0, large = 0] = worst.ms;
    rows.push(
      `| ${path.name} | ${worst.name} | ${small.toFixed(2)} | ${middle.toFixed(2)} | ${large.toFixed(2)} | ${(large / Math.max(middle, 0.001)).toFixed(1)}× |`,
    );
  }
  return [
    '### Hostile text (issue 12)',
    '',
    `${HOSTILE_TEXTS.length} hostile inputs per path; the slowest at 32,767 characters is shown (best of 3, ms of CPU).`,
    '',
    '| Path | Slowest input | 2,048 | 8,192 | 32,767 | 8 K → 32 K |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
