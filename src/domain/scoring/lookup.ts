/** Rules files are written by people: "high", "High" and " HIGH " name the same priority. */
export function lookup<T>(map: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  if (key === undefined) return undefined;
  const wanted = key.trim().toLowerCase();
  for (const [name, value] of Object.entries(map)) {
    if (name.trim().toLowerCase() === wanted) return value;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole words, any case: "ui" must not fire on "build". Teams list inflections ("crashes") explicitly. */
export function containsWord(text: string, phrase: string): boolean {
  const words = phrase.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
  if (words === '') return false;
  return new RegExp(`(?<![\\p{L}\\p{N}])${words}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}
