import { describe, expect, it } from 'vitest';
import { changedAfterOwnWrite } from '../../src/trackers/own-write-history.ts';

const service = { name: 'refinery-bot', service: true };
const pat = { name: 'Pat Person', service: false };
const at = (iso: string) => Date.parse(iso);
const since = { at: '2026-12-07T10:00:00.000Z' };

describe('who changed a subject after the service’s write', () => {
  it('without what the write set, finds it by the service’s change nearest the audit’s time, and names who came after it', () => {
    const changes = [
      { at: at('2026-12-07T09:59:50.000Z'), by: service },
      { at: at('2026-12-07T10:00:04.000Z'), by: service },
      { at: at('2026-12-07T10:00:05.000Z'), by: pat },
    ];

    expect(changedAfterOwnWrite(changes, since)).toEqual(pat);
    expect(changedAfterOwnWrite(changes.slice(0, 2), since)).toBeUndefined();
  });

  it('names a later job of the service that changed it again', () => {
    const changes = [
      { at: at('2026-12-07T09:59:58.000Z'), by: service },
      { at: at('2026-12-07T10:00:30.000Z'), by: pat },
      { at: at('2026-12-07T10:01:00.000Z'), by: service },
    ];

    expect(changedAfterOwnWrite(changes, since)).toEqual(service);
  });

  it('without the service’s write in reach, counts what the tracker dates after the audit’s time', () => {
    const changes = [
      { at: at('2026-12-07T09:00:00.000Z'), by: service },
      { at: at('2026-12-07T09:59:00.000Z'), by: pat },
    ];

    expect(changedAfterOwnWrite(changes, since)).toBeUndefined();
    expect(
      changedAfterOwnWrite([...changes, { at: at('2026-12-07T10:00:01.000Z'), by: pat }], since),
    ).toEqual(pat);
  });

  it('finds the write by what it set, nearest the audit’s time among the service’s changes that set it', () => {
    const added = { from: false, to: true };
    const removed = { from: true, to: false };
    const changes = [
      { at: at('2026-12-07T10:00:02.000Z'), by: service, wrote: added },
      { at: at('2026-12-07T10:00:02.500Z'), by: pat, wrote: removed },
      { at: at('2026-12-07T10:00:03.000Z'), by: service, wrote: added },
      { at: at('2026-12-07T10:00:04.000Z'), by: service, wrote: removed },
    ];
    const removal = { ...since, wrote: removed };

    expect(changedAfterOwnWrite(changes, { ...since, wrote: added })).toEqual(service);
    expect(changedAfterOwnWrite(changes, removal)).toBeUndefined();
    expect(changedAfterOwnWrite([...changes.slice(0, 3), { ...changes[3]!, by: pat }], removal)).toEqual(pat);
  });

  it('takes no change of the service that set something else for the write; one that does not say, by time', () => {
    const changes = [
      { at: at('2026-12-07T10:00:00.500Z'), by: pat, wrote: { from: 5, to: 3 } },
      { at: at('2026-12-07T10:00:01.000Z'), by: service, wrote: { from: 3, to: 5 } },
    ];
    const write = { ...since, wrote: { from: 5, to: 8 } };

    expect(changedAfterOwnWrite(changes, write)).toEqual(service);
    expect(changedAfterOwnWrite([changes[0]!, { ...changes[1]!, wrote: undefined }], write)).toBeUndefined();
  });
});
