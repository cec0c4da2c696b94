/**
 * The dispatch view of one event (`exroute explain --state`): what the dispatcher would do with
 * each routed notification on a fresh in-memory store, and the policy keys, inhibit rules and
 * escalation steps that concern it, computed with core's and the dispatcher's own code.
 */
import type { NormalizedEvent, RoutingDecision, RuleSet } from '@exroute/core';
import {
  compileEventTemplate,
  createEventMatcher,
  createFieldReader,
  createTimeOffset,
} from '@exroute/core/dispatch-support';
import { createDispatcher, createMemoryStore } from '@exroute/dispatch';
import { summarizeSend, summarizeVerdict } from '../run/dispatch-expectations.js';
import type { SendSummary, VerdictSummary } from '../run/results.js';
import { createPalette } from './palette.js';

/** The dispatch view of one event. */
export interface DispatchView {
  /** The clock used, RFC 3339. */
  at: string;
  notifications: NotificationDispatchView[];
  /** Messages a fresh dispatcher sends at once for this event. */
  sends: SendSummary[];
  /** Inhibit rules this event is the source of: what it mutes, and until when. */
  mutes: {
    inhibitId: string;
    target: Record<string, unknown>;
    equal: Record<string, string>;
    until: string;
  }[];
}

/** One routed notification: its verdict and the policy keys and escalations that apply. */
export interface NotificationDispatchView {
  template: string;
  channel: string;
  verdict: VerdictSummary;
  policy?: {
    name: string;
    /** `group.by` fields with this event's values. */
    groupBy?: Record<string, string>;
    dedupKey?: string;
    throttleKey?: string;
  };
  /** Inhibit rules whose target matches this event: what would mute it. */
  mutableBy: {
    inhibitId: string;
    source: Record<string, unknown>;
    equal: Record<string, string>;
  }[];
  escalations: {
    name: string;
    steps: { step: number; at: string; to: string[]; template: string }[];
  }[];
}

/**
 * What a fresh dispatcher does with `decision` for `event` at `now`, and the keys, inhibit
 * rules and escalation times behind it. Stateless: earlier events are not known, so a verdict
 * such as `inhibited` or `deduplicated` shows only in stateful suites or a running service.
 */
export async function describeDispatch(
  ruleSet: RuleSet,
  event: NormalizedEvent,
  decision: RoutingDecision,
  now: Date,
): Promise<DispatchView> {
  const dispatcher = createDispatcher({ ruleSet, store: createMemoryStore(), clock: () => now });
  const { outgoing, verdicts } = await dispatcher.ingest(event, decision);
  const offset = createTimeOffset(ruleSet);
  const fields = (paths: readonly string[]): Record<string, string> =>
    Object.fromEntries(paths.map((path) => [path, createFieldReader(path)(event)]));
  const eventTime = new Date(Date.parse(event.time));
  const region = typeof event.region === 'string' ? { region: event.region } : {};
  const notifications = decision.notifications.map((notification, index) => {
    const policy =
      notification.policy === undefined ? undefined : ruleSet.policies.get(notification.policy);
    const view: NotificationDispatchView = {
      template: notification.template,
      channel: notification.channel,
      verdict: summarizeVerdict(verdicts[index]!),
      mutableBy: ruleSet.inhibitRules
        .filter((rule) => createEventMatcher(ruleSet, rule.target)(event, now))
        .map((rule) => ({
          inhibitId: rule.id,
          source: { ...rule.source.when },
          equal: fields(rule.equal),
        })),
      escalations: (notification.escalate ?? []).flatMap((name) => {
        const escalation = ruleSet.escalations.get(name);
        if (escalation === undefined) return [];
        return [
          {
            name,
            steps: escalation.steps.map((step, i) => ({
              step: i + 1,
              at: offset(step.after, region, eventTime).toISOString(),
              to: [...step.to],
              template: step.template,
            })),
          },
        ];
      }),
    };
    if (policy !== undefined) {
      view.policy = {
        name: policy.name,
        ...(policy.group !== undefined ? { groupBy: fields(policy.group.by) } : {}),
        ...(policy.dedup !== undefined
          ? { dedupKey: compileEventTemplate(policy.dedup.key)(event, now) }
          : {}),
        ...(policy.throttle !== undefined
          ? { throttleKey: compileEventTemplate(policy.throttle.key)(event, now) }
          : {}),
      };
    }
    return view;
  });
  const mutes = ruleSet.inhibitRules
    .filter((rule) => createEventMatcher(ruleSet, rule.source)(event, now))
    .map((rule) => ({
      inhibitId: rule.id,
      target: { ...rule.target.when },
      equal: fields(rule.equal),
      until: new Date(eventTime.getTime() + rule.forMs).toISOString(),
    }));
  return { at: now.toISOString(), notifications, sends: outgoing.map(summarizeSend), mutes };
}

/** The dispatch view as text, after an explain trace. */
export function formatDispatchView(view: DispatchView, options: { color?: boolean } = {}): string {
  const palette = createPalette(options.color ?? false);
  const show = (values: Record<string, unknown>) =>
    Object.entries(values)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', ');
  const lines = [palette.bold(`Dispatch (a fresh state at ${view.at})`)];
  if (view.notifications.length === 0) lines.push('  no notification to dispatch');
  for (const n of view.notifications) {
    const detail = n.verdict.detail !== undefined ? ` ${n.verdict.detail}` : '';
    lines.push(`  ${n.template}/${n.channel} → ${n.verdict.kind}${detail}`);
    if (n.policy !== undefined) {
      const parts = [
        ...(n.policy.groupBy !== undefined
          ? [`group by ${show(n.policy.groupBy) || '(one group)'}`]
          : []),
        ...(n.policy.dedupKey !== undefined
          ? [`dedup key ${JSON.stringify(n.policy.dedupKey)}`]
          : []),
        ...(n.policy.throttleKey !== undefined
          ? [`throttle key ${JSON.stringify(n.policy.throttleKey)}`]
          : []),
      ];
      lines.push(`    policy ${n.policy.name}: ${parts.join('; ')}`);
    }
    for (const m of n.mutableBy) {
      lines.push(
        `    muted by ${m.inhibitId} after an event matching ${show(m.source)}${Object.keys(m.equal).length > 0 ? ` with ${show(m.equal)}` : ''}`,
      );
    }
    for (const e of n.escalations) {
      for (const step of e.steps) {
        lines.push(
          `    escalation ${e.name} step ${step.step} at ${step.at} → ${step.to.join(', ')} (${step.template}), unless acknowledged or resolved`,
        );
      }
    }
  }
  for (const m of view.mutes) {
    lines.push(
      `  mutes events matching ${show(m.target)}${Object.keys(m.equal).length > 0 ? ` with ${show(m.equal)}` : ''} until ${m.until} (${m.inhibitId})`,
    );
  }
  for (const send of view.sends) {
    lines.push(
      `  ${palette.pass('sent now')} ${send.template}/${send.channel} ${send.reason} to ${send.to.join(', ')}`,
    );
  }
  return lines.join('\n');
}
