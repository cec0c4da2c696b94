/** Comparing a routing decision with what a case expects. */
import { PRIORITIES, didYouMean } from '@exroute/core';
import type { Diagnostic, RoutedNotification, RoutingDecision, RuleSet } from '@exroute/core';
import type { CaseExpectation, NotificationExpectation } from '../suite/model.js';
import type { YamlSource } from '../suite/yaml-source.js';
import type { ExpectationFailure, ExpectationName } from './results.js';

type Locate = (pointer: string) => { file: string; line: number; column: number };

/** Every expectation of `expect` that `decision` does not meet; empty when the case passes. */
export function compareWithExpectation(
  expect: CaseExpectation,
  decision: RoutingDecision,
  expectPointer: string,
  locate: Locate,
): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  const fail = (
    expectation: ExpectationName,
    pointer: string,
    details: Omit<ExpectationFailure, 'expectation' | 'file' | 'line' | 'column'>,
  ): void => {
    const { file, line, column } = locate(`${expectPointer}/${pointer}`);
    failures.push({ expectation, ...details, file, line, column });
  };

  const matchedRules = decision.matched.map((m) => m.ruleId);
  const templates = uniqueValues(decision.notifications.map((n) => n.template));
  const channels = uniqueValues(decision.notifications.map((n) => n.channel));

  if (expect.none === true && (matchedRules.length > 0 || decision.notifications.length > 0)) {
    fail('none', 'none', { expected: true, actual: { rules: matchedRules, templates } });
  }
  if (expect.none === false && matchedRules.length === 0) {
    fail('none', 'none', { expected: false, actual: { rules: matchedRules, templates } });
  }
  for (const [name, expected, actual] of [
    ['rules', expect.rules, matchedRules],
    ['templates', expect.templates, templates],
    ['channels', expect.channels, channels],
  ] as const) {
    if (expected === undefined) continue;
    const missing = expected.filter((value) => !actual.includes(value));
    const unexpected = actual.filter((value) => !expected.includes(value));
    if (missing.length > 0 || unexpected.length > 0) {
      fail(name, name, { expected, actual, missing, unexpected });
    }
  }
  if (expect.severity !== undefined) {
    const actual = highestSeverity(decision);
    if (actual !== expect.severity) {
      fail('severity', 'severity', { expected: expect.severity, actual: actual ?? null });
    }
  }
  expect.notifications?.forEach((wanted, index) => {
    if (decision.notifications.some((actual) => notificationMatches(wanted, actual))) return;
    fail('notifications', `notifications/${index}`, {
      expected: wanted,
      actual: decision.notifications.map((n) => ({
        template: n.template,
        channel: n.channel,
        ...(n.severity !== undefined ? { severity: n.severity } : {}),
        ...(n.subject !== undefined ? { subject: n.subject } : {}),
        dueAt: n.dueAt ?? null,
        sendAt: n.sendAt ?? null,
      })),
    });
  });
  const reached = reachedNames(decision);
  const include = expect.recipients?.include;
  if (include !== undefined) {
    const missing = include.filter((name) => !reached.has(name));
    if (missing.length > 0) {
      fail('recipients.include', 'recipients/include', {
        expected: include,
        actual: recipientSummary(decision),
        missing,
      });
    }
  }
  const exclude = expect.recipients?.exclude;
  if (exclude !== undefined) {
    const unexpected = exclude.filter((name) => reached.has(name));
    if (unexpected.length > 0) {
      fail('recipients.exclude', 'recipients/exclude', {
        expected: exclude,
        actual: recipientSummary(decision),
        unexpected,
      });
    }
  }
  return failures;
}

/**
 * Expectations naming rules, templates or recipients the rule set does not define: almost
 * always a typo, and a case that can never pass, so it is reported as an error, not a failure.
 */
export function findUnknownNames(
  expect: CaseExpectation,
  ruleSet: RuleSet,
  expectPointer: string,
  source: YamlSource,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const ruleIds = new Set(ruleSet.rules.map((rule) => rule.id));
  const addresses = new Set<string>();
  for (const recipient of ruleSet.recipients.values()) {
    for (const list of Object.values(recipient.addresses)) list.forEach((a) => addresses.add(a));
  }
  const candidatesFor = (code: string): Iterable<string> =>
    code === 'EXR_SUITE_UNKNOWN_RULE'
      ? ruleIds
      : code === 'EXR_SUITE_UNKNOWN_TEMPLATE'
        ? ruleSet.templates.keys()
        : [...ruleSet.recipients.keys(), ...addresses];
  const report = (
    code: string,
    what: string,
    names: readonly string[] | undefined,
    pointer: string,
    known: (name: string) => boolean,
  ): void => {
    names?.forEach((name, index) => {
      if (known(name)) return;
      const hint = didYouMean(name, candidatesFor(code));
      diagnostics.push({
        code,
        severity: 'error',
        message: `the rule set defines no ${what} '${name}'; fix the name or the rules path`,
        ...(hint !== undefined ? { hint } : {}),
        ...source.locate(`${expectPointer}/${pointer}/${index}`),
      });
    });
  };
  report('EXR_SUITE_UNKNOWN_RULE', 'rule', expect.rules, 'rules', (id) => ruleIds.has(id));
  report('EXR_SUITE_UNKNOWN_TEMPLATE', 'template', expect.templates, 'templates', (key) =>
    ruleSet.templates.has(key),
  );
  expect.notifications?.forEach((wanted, index) => {
    if (wanted.template === undefined || ruleSet.templates.has(wanted.template)) return;
    const hint = didYouMean(wanted.template, ruleSet.templates.keys());
    diagnostics.push({
      code: 'EXR_SUITE_UNKNOWN_TEMPLATE',
      severity: 'error',
      message: `the rule set defines no template '${wanted.template}'; fix the name or the rules path`,
      ...(hint !== undefined ? { hint } : {}),
      ...source.locate(`${expectPointer}/notifications/${index}/template`),
    });
  });
  const knownRecipient = (name: string): boolean =>
    ruleSet.recipients.has(name) || addresses.has(name);
  report(
    'EXR_SUITE_UNKNOWN_RECIPIENT',
    'recipient key or address',
    expect.recipients?.include,
    'recipients/include',
    knownRecipient,
  );
  report(
    'EXR_SUITE_UNKNOWN_RECIPIENT',
    'recipient key or address',
    expect.recipients?.exclude,
    'recipients/exclude',
    knownRecipient,
  );
  return diagnostics;
}

/** Whether `actual` has every field `wanted` gives; instants compare as points in time. */
function notificationMatches(wanted: NotificationExpectation, actual: RoutedNotification): boolean {
  const sameInstant = (expected: string | null | undefined, value: string | undefined): boolean =>
    expected === undefined ||
    (expected === null
      ? value === undefined
      : value !== undefined && Date.parse(expected) === Date.parse(value));
  return (
    (wanted.template === undefined || wanted.template === actual.template) &&
    (wanted.channel === undefined || wanted.channel === actual.channel) &&
    (wanted.severity === undefined || wanted.severity === actual.severity) &&
    (wanted.subject === undefined || wanted.subject === actual.subject) &&
    sameInstant(wanted.dueAt, actual.dueAt) &&
    sameInstant(wanted.sendAt, actual.sendAt)
  );
}

/** Keys, addresses and groups (`via`) reached by any notification of the decision. */
function reachedNames(decision: RoutingDecision): Set<string> {
  const reached = new Set<string>();
  for (const notification of decision.notifications) {
    for (const recipient of notification.recipients) {
      reached.add(recipient.key);
      reached.add(recipient.address);
      recipient.via?.forEach((group) => reached.add(group));
    }
  }
  return reached;
}

function recipientSummary(decision: RoutingDecision): string[] {
  const lines: string[] = [];
  for (const notification of decision.notifications) {
    for (const recipient of notification.recipients) {
      const via = recipient.via?.length ? ` via ${recipient.via.join(' > ')}` : '';
      lines.push(`${recipient.key} <${recipient.address}> (${notification.channel})${via}`);
    }
  }
  return uniqueValues(lines);
}

function highestSeverity(decision: RoutingDecision): string | undefined {
  let best = -1;
  for (const notification of decision.notifications) {
    const rank = PRIORITIES.indexOf(notification.severity as (typeof PRIORITIES)[number]);
    if (rank > best) best = rank;
  }
  return best >= 0 ? PRIORITIES[best] : undefined;
}

function uniqueValues(values: readonly string[]): string[] {
  return [...new Set(values)];
}
