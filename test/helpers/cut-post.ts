/** What a reader of a post cut to a tracker's limit sees: how many lines it shows, and what each notice says is hidden. */
export function cutPost(text: string): { shown: number; hidden: number[] } {
  const lines = text.split('\n');
  const hidden = lines.flatMap((line) => {
    const notice = /^… (\d+) more lines? not shown \(/.exec(line);
    return notice ? [Number(notice[1])] : [];
  });
  return { shown: lines.length - hidden.length, hidden };
}
