/**
 * English function words plus Jira wiki-markup words ({code}, {noformat}, ...) that every pasted log
 * carries and that therefore only add noise to matching.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each either else etc even ever every few for
from further get got had has have having he her here hers him his how however i if in into is it its itself
just let like may me might more most much must my no nor not now of off on once only or other ought our
ours out over own per please same shall she should since so some such than that the their theirs them then
there these they this those though through thus to too under until up upon us very via was we were what
when where whether which while who whom whose why will with within without would yet you your yours
noformat quote panel color code`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
