const VOWEL = /[aeiouy]/;

function undouble(word: string): string {
  const n = word.length;
  if (n > 3 && word[n - 1] === word[n - 2] && !'lsz'.includes(word[n - 1]!)) return word.slice(0, -1);
  return word;
}

function stripSuffix(word: string, suffix: string, minStem: number): string | undefined {
  if (!word.endsWith(suffix)) return undefined;
  const stem = word.slice(0, -suffix.length);
  return stem.length >= minStem && VOWEL.test(stem) ? stem : undefined;
}

/**
 * A deliberately light English stemmer (plurals, -ed, -ing, -ly, a few derivations). Conflating
 * "timeouts"/"timeout" and "failing"/"failed"/"fail" matters for matching; a full Porter stemmer
 * over-conflates technical words (e.g. "generalize"/"general") and is not worth a dependency.
 * Only applied to purely alphabetic words; identifiers are kept as typed.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:ss|us|is)$/.test(w)) {
    // keep: "class", "status", "analysis"
  } else if (/(?:[sxz]|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s')) w = w.slice(0, -1);
  const ing = stripSuffix(w, 'ing', 3);
  const ed = ing === undefined && !w.endsWith('eed') ? stripSuffix(w, 'ed', 3) : undefined;
  if (ing !== undefined) w = undouble(ing);
  else if (ed !== undefined) w = undouble(ed);
  else {
    const ly = stripSuffix(w, 'ly', 4);
    if (ly !== undefined) w = ly;
  }
  return w.length > 3 && w.endsWith('e') && !w.endsWith('ee') ? w.slice(0, -1) : w;
}
