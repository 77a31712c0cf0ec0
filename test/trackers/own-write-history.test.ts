import { describe, expect, it } from 'vitest';
import { changedAfterOwnWrite } from '../../src/trackers/own-write-history.ts';

const service = { name: 'refinery-bot', service: true };
const pat = { name: 'Pat Person', service: false };
const at = (iso: string) => Date.parse(iso);
const since = '2026-12-07T10:00:00.000Z';

describe('who changed a subject after the service’s write', () => {
  it('finds the write by the service’s change nearest the audit’s time, and names who came after it', () => {
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
});
