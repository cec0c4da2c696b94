// The audit trail's record (`@exroute/dispatch/audit`): what one decision and one delivery look
// like as a JSON line, how to build, read, check and filter them. The service writes them, the
// CLI reads them; both import this module, which depends only on core and dispatch's own types.

export { AUDIT_SCHEMA } from './record.js';
export type {
  AuditRecord,
  DecisionAuditRecord,
  DeliveryAuditRecord,
  AuditedEvent,
  AuditedNotification,
  AuditEventData,
} from './record.js';
export {
  auditRecordId,
  buildDecisionRecord,
  buildDeliveryRecord,
  customerReferenceOf,
  referencedDataPaths,
} from './build-record.js';
export type {
  DecisionRecordInput,
  DeliveryRecordInput,
  DeliveryOutcome,
  ReferencedData,
} from './build-record.js';
export {
  MAX_AUDIT_LINE_BYTES,
  auditRecordSchema,
  parseAuditLine,
  readAuditFile,
  readAuditLines,
  splitLines,
} from './read-records.js';
export type { AuditLineOrigin, AuditLineResult } from './read-records.js';
export { createAuditFilter } from './filter.js';
export type { AuditFilter } from './filter.js';
