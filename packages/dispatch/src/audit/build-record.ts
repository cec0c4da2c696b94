import { createHash } from 'node:crypto';
import { parseSimplePath } from '@exroute/core';
import type {
  Condition,
  NormalizedEvent,
  RoutedNotification,
  RoutingDecision,
  RuleSet,
} from '@exroute/core';
import type { Outgoing, Verdict } from '../types.js';
import { AUDIT_SCHEMA } from './record.js';
import type {
  AuditEventData,
  AuditedEvent,
  AuditedNotification,
  DecisionAuditRecord,
  DeliveryAuditRecord,
} from './record.js';

/**
 * A stable record id: 32 hex digits of SHA-256 over the record kind and the parts that identify
 * the fact it records, so a record written twice (a replay after a crash) has one id.
 */
export function auditRecordId(kind: string, parts: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, ...parts]))
    .digest('hex')
    .slice(0, 32);
}

/** What {@link buildDecisionRecord} needs: the event, its decision, and what dispatch did. */
export interface DecisionRecordInput {
  event: NormalizedEvent;
  decision: RoutingDecision;
  /** The dispatcher's verdicts for this event (one per notification). */
  verdicts: readonly Verdict[];
  /** What the dispatcher sent at once for this event. */
  outgoing: readonly Outgoing[];
  /** The router clock when the event was routed. */
  at: Date;
  /** The rule set that routed it: needed for `eventData: 'referenced'` (the fields its conditions read). */
  ruleSet?: RuleSet;
  /** Default `referenced` when `ruleSet` is given, else `none`. */
  eventData?: AuditEventData;
  instance?: string;
}

/**
 * Builds the decision record of one routed and dispatched event. Rendered subjects and params
 * (message text) are left out; `data` is kept as `eventData` says.
 */
export function buildDecisionRecord(input: DecisionRecordInput): DecisionAuditRecord {
  const { event, decision } = input;
  const eventData = input.eventData ?? (input.ruleSet !== undefined ? 'referenced' : 'none');
  const customerReference = customerReferenceOf(event.data);
  return {
    schema: AUDIT_SCHEMA,
    kind: 'decision',
    id: auditRecordId('decision', [event.source, event.id, decision.ruleSetVersion]),
    at: input.at.toISOString(),
    ...(input.instance !== undefined ? { instance: input.instance } : {}),
    event: auditedEvent(event, eventData, input.ruleSet),
    eventData,
    ...(customerReference !== undefined ? { customerReference } : {}),
    ruleSetVersion: decision.ruleSetVersion,
    matched: decision.matched.map((m) => ({ ruleId: m.ruleId, file: m.file, line: m.line })),
    ...(decision.invariants !== undefined ? { invariants: [...decision.invariants] } : {}),
    notifications: decision.notifications.map(auditedNotification),
    verdicts: [...input.verdicts],
    outgoing: input.outgoing.map((o) => ({
      key: o.key,
      reason: o.reason,
      template: o.template,
      channel: o.channel,
    })),
  };
}

/** What Notifications answered for one outgoing message. */
export type DeliveryOutcome =
  | { outcome: 'delivered'; jobId: string; attempts: number }
  | { outcome: 'dead-lettered'; failure: string; attempts: number };

/** What {@link buildDeliveryRecord} needs: the message, where it came from, and the answer. */
export interface DeliveryRecordInput {
  outgoing: Outgoing;
  result: DeliveryOutcome;
  at: Date;
  ruleSetVersion?: string;
  correlationId?: string;
  instance?: string;
}

/** Builds the delivery record of one outgoing key (recipients and template, never the message text). */
export function buildDeliveryRecord(input: DeliveryRecordInput): DeliveryAuditRecord {
  const { outgoing, result } = input;
  return {
    schema: AUDIT_SCHEMA,
    kind: 'delivery',
    id: auditRecordId('delivery', [outgoing.key, result.outcome]),
    at: input.at.toISOString(),
    ...(input.instance !== undefined ? { instance: input.instance } : {}),
    key: outgoing.key,
    eventIds: Array.isArray(outgoing.eventIds) ? [...outgoing.eventIds] : [],
    ...(input.correlationId !== undefined ? { correlationId: input.correlationId } : {}),
    ...(input.ruleSetVersion !== undefined ? { ruleSetVersion: input.ruleSetVersion } : {}),
    template: outgoing.template,
    templateId: outgoing.templateId,
    channel: outgoing.channel,
    recipients: Array.isArray(outgoing.recipients) ? outgoing.recipients.map(recipientOf) : [],
    reason: outgoing.reason,
    outcome: result.outcome,
    ...(result.outcome === 'delivered' ? { jobId: result.jobId } : { failure: result.failure }),
    attempts: result.attempts,
  };
}

function recipientOf(r: { key: string; address: string; via?: string[] }) {
  return { key: r.key, address: r.address, ...(r.via !== undefined ? { via: [...r.via] } : {}) };
}

function auditedNotification(n: RoutedNotification): AuditedNotification {
  return {
    template: n.template,
    templateId: n.templateId,
    channel: n.channel,
    recipients: n.recipients.map(recipientOf),
    ...(n.severity !== undefined ? { severity: n.severity } : {}),
    ruleIds: [...n.ruleIds],
    ...(n.policy !== undefined ? { policy: n.policy } : {}),
    ...(n.escalate !== undefined ? { escalate: [...n.escalate] } : {}),
    ...(n.dueAt !== undefined ? { dueAt: n.dueAt } : {}),
    ...(n.sendAt !== undefined ? { sendAt: n.sendAt } : {}),
    ...(n.requiredBy !== undefined ? { requiredBy: [...n.requiredBy] } : {}),
  };
}

const ENVELOPE = [
  'priority',
  'documentType',
  'region',
  'channel',
  'tenant',
  'subject',
  'correlationId',
] as const;

function auditedEvent(
  event: NormalizedEvent,
  eventData: AuditEventData,
  ruleSet: RuleSet | undefined,
): AuditedEvent {
  const audited: AuditedEvent = {
    id: event.id,
    source: event.source,
    type: event.type,
    time: event.time,
  };
  for (const field of ENVELOPE) {
    const value = event[field];
    if (value !== undefined) (audited as unknown as Record<string, unknown>)[field] = value;
  }
  if (eventData === 'full') audited.data = event.data;
  else if (eventData === 'referenced')
    audited.data = ruleSet === undefined ? {} : pickData(event.data, referencedDataPaths(ruleSet));
  return audited;
}

/** The customer reference of an event: `data.customerReference`, else `data.customerRef`. */
export function customerReferenceOf(data: Record<string, unknown>): string | undefined {
  for (const field of ['customerReference', 'customerRef']) {
    if (!Object.prototype.hasOwnProperty.call(data, field)) continue;
    const value = data[field];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** The `data` fields a rule set reads: every of it, or these member paths (each cut before its first index). */
export type ReferencedData = { all: true } | { all: false; paths: readonly (readonly string[])[] };

const referencedCache = new WeakMap<RuleSet, ReferencedData>();

/**
 * The parts of `data` that the conditions of a rule set (rules and shared conditions) read,
 * computed once per rule set. A path with an index keeps the whole array, so operators over
 * arrays see what they saw when routing.
 */
export function referencedDataPaths(ruleSet: RuleSet): ReferencedData {
  const cached = referencedCache.get(ruleSet);
  if (cached !== undefined) return cached;
  const paths = new Map<string, string[]>();
  let all = false;
  const visitFact = (fact: unknown, path: unknown): void => {
    if (fact !== 'data') return;
    if (typeof path !== 'string') {
      all = true;
      return;
    }
    const segments = parseSimplePath(path);
    if (segments === undefined) {
      all = true;
      return;
    }
    const members: string[] = [];
    for (const segment of segments) {
      if (typeof segment !== 'string') break;
      members.push(segment);
    }
    if (members.length === 0) all = true;
    else paths.set(JSON.stringify(members), members);
  };
  const visit = (condition: Condition): void => {
    const stack: Condition[] = [condition];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if ('all' in node) stack.push(...node.all);
      else if ('any' in node) stack.push(...node.any);
      else if ('not' in node) stack.push(node.not);
      else if ('fact' in node) {
        visitFact(node.fact, node.path);
        const value = node.value as { fact?: unknown; path?: unknown } | null;
        if (value !== null && typeof value === 'object' && typeof value.fact === 'string')
          visitFact(value.fact, value.path);
      }
    }
  };
  for (const rule of ruleSet.rules) visit(rule.condition);
  for (const shared of ruleSet.sharedConditions.values()) visit(shared.condition);
  // Longer paths first: a shorter one read later replaces the partial copy with the whole subtree.
  const sorted = [...paths.values()].sort((a, b) => b.length - a.length);
  const result: ReferencedData = all ? { all: true } : { all: false, paths: sorted };
  referencedCache.set(ruleSet, result);
  return result;
}

function pickData(
  data: Record<string, unknown>,
  referenced: ReferencedData,
): Record<string, unknown> {
  if (referenced.all) return data;
  const picked: Record<string, unknown> = {};
  for (const path of referenced.paths) {
    let source: unknown = data;
    let found = true;
    for (const member of path) {
      if (
        source === null ||
        typeof source !== 'object' ||
        Array.isArray(source) ||
        !Object.prototype.hasOwnProperty.call(source, member)
      ) {
        found = false;
        break;
      }
      source = (source as Record<string, unknown>)[member];
    }
    if (!found) continue;
    let target = picked;
    for (const member of path.slice(0, -1)) {
      const next = Object.prototype.hasOwnProperty.call(target, member)
        ? target[member]
        : undefined;
      if (next === null || typeof next !== 'object' || Array.isArray(next)) {
        const created: Record<string, unknown> = {};
        target[member] = created;
        target = created;
      } else target = next as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = source;
  }
  return picked;
}
