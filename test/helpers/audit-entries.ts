import type { NewAuditEntry } from '../../src/audit/audit-entry.ts';

/** An entry as any write records it (a label set by scoring), for tests about the trail rather than the write. */
export function labelEntry(key: string): NewAuditEntry {
  return {
    item: { tracker: 'jira', id: `id-${key}`, key },
    operation: 'setLabel',
    mode: 'applied',
    context: {
      capability: 'scoring',
      jobId: `job-${key}`,
      deliveryId: 'd',
      actor: { id: 'u', displayName: 'U' },
    },
    target: { label: 'x' },
    before: false,
    after: true,
  };
}
