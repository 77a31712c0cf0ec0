/** One page of a Jira list paged by `startAt`, whatever the list calls its items. */
export interface OffsetPage<T> {
  items: readonly T[];
  /** The admin and Agile lists say it; the comment list does not. */
  isLast?: boolean;
  total?: number;
}

/**
 * Every item of a Jira list paged by `startAt`. Each page is asked for from where the last one ended: Jira answers
 * fewer than `maxResults` where an endpoint's own limit is lower ("may change without notice", Atlassian KB
 * 779160706), so stepping by the size asked for would skip what lies between.
 */
export async function offsetPages<T>(read: (startAt: number) => Promise<OffsetPage<T>>): Promise<T[]> {
  const all: T[] = [];
  for (let startAt = 0; ; ) {
    const page = await read(startAt);
    all.push(...page.items);
    startAt += page.items.length;
    const last = page.isLast ?? startAt >= (page.total ?? 0);
    if (last || page.items.length === 0) return all;
  }
}
