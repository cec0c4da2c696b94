/** Comparing what the dispatcher did (verdicts, sent messages) with what a case or step expects. */
import type { Diagnostic, RuleSet } from '@exroute/core';
import type { Outgoing, Verdict } from '@exroute/dispatch';
import type {
  CaseExpectation,
  SendExpectation,
  VerdictExpectation,
  VerdictKindName,
} from '../suite/model.js';
import type { YamlSource } from '../suite/yaml-source.js';
import type { ExpectationFailure, SendSummary, VerdictSummary } from './results.js';

type Locate = (pointer: string) => { file: string; line: number; column: number };

/** A verdict as reports show it: kind, notification, and what caused it. */
export function summarizeVerdict(verdict: Verdict): VerdictSummary {
  const summary: VerdictSummary = {
    kind: verdict.kind,
    template: verdict.template,
    channel: verdict.channel,
  };
  if (verdict.policy !== undefined) summary.policy = verdict.policy;
  switch (verdict.kind) {
    case 'inhibited':
      summary.inhibitedBy = verdict.inhibitId;
      summary.detail = `by ${verdict.inhibitId} (source ${verdict.sourceEventId})`;
      break;
    case 'silenced':
      summary.detail = `by silence ${verdict.silenceId}`;
      break;
    case 'deferred':
      summary.sendAt = verdict.sendAt;
      summary.detail = `until ${verdict.sendAt}`;
      break;
    case 'deduplicated':
      summary.detail = `same key as ${verdict.firstEventId}`;
      break;
    case 'throttled':
      summary.detail = `${verdict.dropped} dropped so far`;
      break;
    case 'grouped':
    case 'sent':
      break;
  }
  return summary;
}

/** A sent message as reports show it. */
export function summarizeSend(message: Outgoing): SendSummary {
  const summary: SendSummary = {
    template: message.template,
    channel: message.channel,
    reason: message.reason,
    to: [...new Set(message.recipients.map((r) => r.key))],
    eventIds: message.eventIds,
  };
  if (message.subject !== undefined) summary.subject = message.subject;
  if (message.digest !== undefined) {
    summary.count = message.digest.count;
    summary.dropped = message.digest.dropped;
  }
  const lines = message.params['lines'];
  if (typeof lines === 'string') summary.lines = lines === '' ? [] : lines.split('\n');
  if (message.escalation !== undefined) {
    summary.escalation = message.escalation.name;
    summary.step = message.escalation.step;
  }
  return summary;
}

/**
 * The failures of `expect.verdicts` and `expect.sends` (at `expectPointer`) against what the
 * dispatcher did; empty when both hold or neither is given.
 */
export function compareDispatch(
  expect: CaseExpectation,
  verdicts: readonly Verdict[] | undefined,
  sent: readonly Outgoing[],
  expectPointer: string,
  locate: Locate,
  step?: number,
): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  const at = (pointer: string) => locate(`${expectPointer}/${pointer}`);
  const withStep = step === undefined ? {} : { step };
  if (expect.verdicts !== undefined) {
    const actual = (verdicts ?? []).map(summarizeVerdict);
    const expected = expect.verdicts.map(normalizeVerdict);
    const wrong =
      expected.length !== actual.length ||
      expected.some((wanted, i) => !verdictMatches(wanted, actual[i]!));
    if (wrong) {
      failures.push({
        expectation: 'verdicts',
        expected,
        actual,
        ...withStep,
        ...at('verdicts'),
      });
    }
  }
  if (expect.sends !== undefined) {
    const actual = sent.map(summarizeSend);
    const reached = sent.map(reachedBy);
    const unmatched = new Set(actual.map((_, i) => i));
    const missing: string[] = [];
    expect.sends.forEach((wanted) => {
      const hit = [...unmatched].find((i) => sendMatches(wanted, actual[i]!, reached[i]!));
      if (hit === undefined) missing.push(describeSend(wanted));
      else unmatched.delete(hit);
    });
    if (missing.length > 0 || unmatched.size > 0) {
      failures.push({
        expectation: 'sends',
        expected: expect.sends,
        actual,
        ...(missing.length > 0 ? { missing } : {}),
        ...(unmatched.size > 0
          ? { unexpected: [...unmatched].map((i) => describeSend(actual[i]!)) }
          : {}),
        ...withStep,
        ...at('sends'),
      });
    }
  }
  return failures;
}

/**
 * Names in `verdicts` / `sends` that the rule set does not define (templates, policies, inhibit
 * rules, escalations): such an expectation can never hold, so the case is an error.
 */
export function findUnknownDispatchNames(
  expect: CaseExpectation | undefined,
  ruleSet: RuleSet,
  expectPointer: string,
  source: YamlSource,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const inhibitIds = new Set(ruleSet.inhibitRules.map((rule) => rule.id));
  const check = (
    code: string,
    what: string,
    name: string | undefined,
    pointer: string,
    known: (name: string) => boolean,
  ): void => {
    if (name === undefined || known(name)) return;
    diagnostics.push({
      code,
      severity: 'error',
      message: `the rule set defines no ${what} '${name}'; fix the name or the rules path`,
      ...source.locate(`${expectPointer}/${pointer}`),
    });
  };
  expect?.verdicts?.forEach((wanted, index) => {
    if (typeof wanted === 'string') return;
    const at = `verdicts/${index}`;
    check('EXR_SUITE_UNKNOWN_TEMPLATE', 'template', wanted.template, `${at}/template`, (n) =>
      ruleSet.templates.has(n),
    );
    check('EXR_SUITE_UNKNOWN_POLICY', 'policy', wanted.policy, `${at}/policy`, (n) =>
      ruleSet.policies.has(n),
    );
    check(
      'EXR_SUITE_UNKNOWN_INHIBIT',
      'inhibit rule',
      wanted.inhibitedBy,
      `${at}/inhibitedBy`,
      (n) => inhibitIds.has(n),
    );
  });
  expect?.sends?.forEach((wanted, index) => {
    const at = `sends/${index}`;
    check('EXR_SUITE_UNKNOWN_TEMPLATE', 'template', wanted.template, `${at}/template`, (n) =>
      ruleSet.templates.has(n),
    );
    check(
      'EXR_SUITE_UNKNOWN_ESCALATION',
      'escalation',
      wanted.escalation,
      `${at}/escalation`,
      (n) => ruleSet.escalations.has(n),
    );
  });
  return diagnostics;
}

function normalizeVerdict(wanted: VerdictKindName | VerdictExpectation): VerdictExpectation {
  return typeof wanted === 'string' ? { kind: wanted } : wanted;
}

function verdictMatches(wanted: VerdictExpectation, actual: VerdictSummary): boolean {
  return (
    wanted.kind === actual.kind &&
    (wanted.template === undefined || wanted.template === actual.template) &&
    (wanted.channel === undefined || wanted.channel === actual.channel) &&
    (wanted.policy === undefined || wanted.policy === actual.policy) &&
    (wanted.inhibitedBy === undefined || wanted.inhibitedBy === actual.inhibitedBy) &&
    (wanted.sendAt === undefined ||
      (actual.sendAt !== undefined && Date.parse(wanted.sendAt) === Date.parse(actual.sendAt)))
  );
}

/** Keys, addresses and groups (`via`) a message reaches. */
function reachedBy(message: Outgoing): Set<string> {
  const names = new Set<string>();
  for (const recipient of message.recipients) {
    names.add(recipient.key);
    names.add(recipient.address);
    recipient.via?.forEach((group) => names.add(group));
  }
  return names;
}

function sendMatches(
  wanted: SendExpectation,
  actual: SendSummary,
  reached: ReadonlySet<string>,
): boolean {
  const same = <T>(expected: T | undefined, value: T | undefined) =>
    expected === undefined || expected === value;
  return (
    same(wanted.template, actual.template) &&
    same(wanted.channel, actual.channel) &&
    same(wanted.reason, actual.reason) &&
    same(wanted.subject, actual.subject) &&
    same(wanted.count, actual.count) &&
    same(wanted.dropped, actual.dropped) &&
    same(wanted.escalation, actual.escalation) &&
    same(wanted.step, actual.step) &&
    (wanted.to === undefined || wanted.to.every((name) => reached.has(name))) &&
    (wanted.lines === undefined ||
      (actual.lines !== undefined &&
        wanted.lines.length === actual.lines.length &&
        wanted.lines.every((line, i) => line === actual.lines![i])))
  );
}

/** One line naming a message: template/channel, reason, recipients and digest figures. */
export function describeSend(send: SendExpectation | SendSummary): string {
  const parts = [
    `${send.template ?? '*'}/${send.channel ?? '*'}`,
    ...(send.reason !== undefined ? [send.reason] : []),
    ...(send.escalation !== undefined
      ? [`escalation ${send.escalation}${send.step !== undefined ? ` step ${send.step}` : ''}`]
      : []),
    ...(send.count !== undefined ? [`count ${send.count}`] : []),
    ...(send.dropped ? [`dropped ${send.dropped}`] : []),
    ...(send.to !== undefined && send.to.length > 0 ? [`to ${send.to.join(', ')}`] : []),
  ];
  return parts.join(' ');
}
