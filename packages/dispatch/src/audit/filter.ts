import type { AuditRecord, DecisionAuditRecord, DeliveryAuditRecord } from './record.js';

/** What `exroute audit` selects on; every given criterion must hold. */
export interface AuditFilter {
  /** The event id (`id`, or `source/id`). */
  eventId?: string;
  correlationId?: string;
  customerReference?: string;
  /** A recipient key (e.g. `collections-uk`) or address. */
  recipient?: string;
  /** A rule id that matched. */
  rule?: string;
  /** Records written at or after this instant. */
  since?: Date;
  /** Records written before this instant. */
  until?: Date;
  /** Only this kind of record. */
  kind?: AuditRecord['kind'];
}

/** Events remembered to link their later delivery records; past this, only direct matches count. */
const MAX_LINKED_EVENTS = 1_000_000;

/**
 * A stateful predicate over records read in write order: a decision record matches on its own
 * fields; a delivery record matches on its own fields (event ids, correlation id, recipients),
 * or because it carries an event whose decision matched earlier, so `--customer X` also lists
 * what Notifications answered for X's messages.
 */
export function createAuditFilter(filter: AuditFilter): (record: AuditRecord) => boolean {
  const linked = new Set<string>();
  const since = filter.since?.getTime();
  const until = filter.until?.getTime();
  const selective =
    filter.eventId !== undefined ||
    filter.correlationId !== undefined ||
    filter.customerReference !== undefined ||
    filter.recipient !== undefined ||
    filter.rule !== undefined;
  return (record) => {
    const at = Date.parse(record.at);
    if (since !== undefined && !(at >= since)) return false;
    if (until !== undefined && !(at < until)) return false;
    if (record.kind === 'decision') {
      const matches = decisionMatches(record, filter);
      if (matches && selective && linked.size < MAX_LINKED_EVENTS)
        linked.add(`${record.event.source}/${record.event.id}`);
      return matches && filter.kind !== 'delivery';
    }
    if (filter.kind === 'decision') return false;
    return record.eventIds.some((id) => linked.has(id)) || deliveryMatches(record, filter);
  };
}

function decisionMatches(record: DecisionAuditRecord, filter: AuditFilter): boolean {
  const { event } = record;
  if (
    filter.eventId !== undefined &&
    filter.eventId !== event.id &&
    filter.eventId !== `${event.source}/${event.id}`
  )
    return false;
  if (filter.correlationId !== undefined && filter.correlationId !== event.correlationId)
    return false;
  if (
    filter.customerReference !== undefined &&
    filter.customerReference !== record.customerReference
  )
    return false;
  if (filter.rule !== undefined && !record.matched.some((m) => m.ruleId === filter.rule))
    return false;
  if (
    filter.recipient !== undefined &&
    !record.notifications.some((n) => hasRecipient(n.recipients, filter.recipient!))
  )
    return false;
  return true;
}

function deliveryMatches(record: DeliveryAuditRecord, filter: AuditFilter): boolean {
  // A delivery record does not carry customer references or rule ids: only linking finds it.
  if (filter.customerReference !== undefined || filter.rule !== undefined) return false;
  if (
    filter.eventId !== undefined &&
    !record.eventIds.some((id) => id === filter.eventId || id.endsWith(`/${filter.eventId}`))
  )
    return false;
  if (filter.correlationId !== undefined && filter.correlationId !== record.correlationId)
    return false;
  if (filter.recipient !== undefined && !hasRecipient(record.recipients, filter.recipient))
    return false;
  return true;
}

function hasRecipient(
  recipients: readonly { key: string; address: string; via?: string[] }[],
  wanted: string,
): boolean {
  return recipients.some(
    (r) => r.key === wanted || r.address === wanted || (r.via?.includes(wanted) ?? false),
  );
}
