export {
  type Candidate,
  createIndexReplica,
  type IndexReplica,
  type IndexReplicaOptions,
} from './index-replica.ts';
export { createLinkIndexStore, type LinkIndexStore, linkIndexSize } from './index-store.ts';
export {
  docId,
  type IndexedItem,
  type IndexedLink,
  type ItemLocation,
  type ItemSummary,
  isIn,
  summaryOf,
  toIndexedItem,
  toIndexedLink,
} from './indexed-item.ts';
export {
  createLinkRecords,
  holdsLinkTo,
  type LinkRecord,
  type LinkRecords,
  sameItem,
  unlinkedInTicket,
} from './link-records.ts';
export { createResolutions, type Resolutions } from './resolutions.ts';
