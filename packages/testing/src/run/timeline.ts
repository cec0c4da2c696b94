/**
 * Stateful cases: steps on a moving clock, run against a fresh in-memory dispatcher
 * (`@exroute/dispatch`), so a suite can state what grouping, dedup, throttling, inhibition and
 * escalation do over time. Routing is still core's router; dispatching is the dispatcher's own
 * code — the runner only moves the clock, feeds events and compares.
 */
import { performance } from 'node:perf_hooks';
import type { Diagnostic, NormalizedEvent, Router, RuleSet } from '@exroute/core';
import { createDispatcher, createMemoryStore } from '@exroute/dispatch';
import type { Outgoing } from '@exroute/dispatch';
import type { CaseExpectation, SuiteCase, SuiteDefinition, SuiteStep } from '../suite/model.js';
import { childPointer } from '../suite/yaml-source.js';
import type { YamlSource } from '../suite/yaml-source.js';
import {
  compareDispatch,
  findUnknownDispatchNames,
  summarizeSend,
  summarizeVerdict,
} from './dispatch-expectations.js';
import { compareWithExpectation, findUnknownNames } from './expectations.js';
import type { InvariantAssertion } from './invariant-expectations.js';
import type { CaseResult, ExpectationFailure, StepRecord } from './results.js';
import { DEFAULT_EVENT_TIME, diagnosticsOf } from './case-defaults.js';

/** What a timeline needs from its suite session. */
export interface TimelineContext {
  suite: SuiteDefinition;
  source: YamlSource;
  ruleSet: RuleSet;
  /** The session's router; its clock is set with `setClock` before each route. */
  router: Router;
  /** Checks each routed event against the invariants, by the rules alone. */
  invariants: InvariantAssertion;
  setClock: (at: Date) => void;
  /** The event of a case or step with defaults applied. */
  eventOf: (at: string | undefined, event: Record<string, unknown>, id: string) => NormalizedEvent;
  /** Moves an event diagnostic to the suite line that set the field. */
  positionEventDiagnostic: (
    diagnostic: Diagnostic,
    event: Record<string, unknown>,
    eventPointer: string,
  ) => Diagnostic;
}

/** Whether a routing case also asserts what the dispatcher does (so it runs as one step). */
export function expectsDispatch(expect: CaseExpectation | undefined): boolean {
  return expect?.verdicts !== undefined || expect?.sends !== undefined;
}

/** The steps of a case: its own, or its event and expectation as one step. */
function stepsOf(
  ctx: TimelineContext,
  testCase: SuiteCase,
): { step: SuiteStep; pointer: string }[] {
  const casePointer = childPointer('/cases', testCase.index);
  if (testCase.steps !== undefined) {
    return testCase.steps.map((step) => ({
      step,
      pointer: childPointer(`${casePointer}/steps`, step.index),
    }));
  }
  const at =
    testCase.at ??
    ctx.suite.defaults.at ??
    (typeof testCase.event?.['time'] === 'string' ? testCase.event['time'] : undefined) ??
    (typeof ctx.suite.defaults.event['time'] === 'string'
      ? ctx.suite.defaults.event['time']
      : DEFAULT_EVENT_TIME);
  return [
    {
      step: {
        index: 0,
        at,
        event: testCase.event ?? {},
        ...(testCase.expect !== undefined ? { expect: testCase.expect } : {}),
        location: testCase.location,
      },
      pointer: casePointer,
    },
  ];
}

/**
 * Runs a case step by step. At each step the clock moves to `at`; everything due by then is
 * sent (as `tick` would); `acknowledge` stops the open escalations of that name; the event is
 * routed and ingested; then the step's expectations are compared with the step's decision,
 * verdicts and messages. The case fails with every step's failures, and its `timeline` tells
 * the whole story.
 */
export async function runTimeline(ctx: TimelineContext, testCase: SuiteCase): Promise<CaseResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 1000) / 1000;
  const steps = stepsOf(ctx, testCase);
  const base = {
    suite: ctx.suite.name,
    name: testCase.name,
    index: testCase.index,
    file: testCase.location.file,
    line: testCase.location.line,
    column: testCase.location.column,
    at: new Date(steps[0]!.step.at).toISOString(),
  };
  const unknown: Diagnostic[] = [];
  for (const { step, pointer } of steps) {
    const expectPointer = `${pointer}/expect`;
    if (step.expect !== undefined) {
      unknown.push(...findUnknownNames(step.expect, ctx.ruleSet, expectPointer, ctx.source));
      unknown.push(
        ...findUnknownDispatchNames(step.expect, ctx.ruleSet, expectPointer, ctx.source),
      );
    }
    if (step.acknowledge !== undefined && !ctx.ruleSet.escalations.has(step.acknowledge)) {
      unknown.push({
        code: 'EXR_SUITE_UNKNOWN_ESCALATION',
        severity: 'error',
        message: `the rule set defines no escalation '${step.acknowledge}'; fix the name or the rules path`,
        ...ctx.source.locate(`${pointer}/acknowledge`),
      });
    }
  }
  if (unknown.length > 0) {
    return { ...base, outcome: 'error', failures: [], diagnostics: unknown, durationMs: elapsed() };
  }

  let now = new Date(steps[0]!.step.at);
  const clock = (): Date => now;
  const dispatcher = createDispatcher({ ruleSet: ctx.ruleSet, store: createMemoryStore(), clock });
  /** Open escalation keys by escalation name, in the order they started. */
  const escalationKeys = new Map<string, string[]>();
  const timeline: StepRecord[] = [];
  const failures: ExpectationFailure[] = [];
  const locate = (p: string) => ctx.source.locate(p);
  let lastEvent: NormalizedEvent | undefined;

  for (const { step, pointer } of steps) {
    now = new Date(step.at);
    ctx.setClock(now);
    const record: StepRecord = { step: step.index + 1, at: now.toISOString(), sends: [] };
    if (step.note !== undefined) record.note = step.note;
    timeline.push(record);
    const sent: Outgoing[] = [];
    try {
      sent.push(...(await dispatcher.tick()));
      if (step.acknowledge !== undefined) {
        const keys = escalationKeys.get(step.acknowledge) ?? [];
        const acknowledged: string[] = [];
        for (const key of keys) {
          if (await dispatcher.acknowledge(key, `suite ${ctx.suite.name}`)) acknowledged.push(key);
        }
        record.acknowledged = acknowledged;
      }
      let verdicts;
      if (step.event !== undefined) {
        const event = ctx.eventOf(
          step.at,
          step.event,
          testCase.steps === undefined
            ? `case-${testCase.index + 1}`
            : `case-${testCase.index + 1}-step-${step.index + 1}`,
        );
        lastEvent = event;
        record.event = { id: String(event.id), type: String(event.type) };
        let decision;
        try {
          decision = ctx.router.route(event);
        } catch (error) {
          const diagnostics = diagnosticsOf(error, 'EXR_SUITE_ROUTING_FAILED').map((d) =>
            ctx.positionEventDiagnostic(d, step.event ?? {}, `${pointer}/event`),
          );
          return {
            ...base,
            outcome: 'error',
            failures: [],
            diagnostics,
            timeline,
            durationMs: elapsed(),
          };
        }
        record.matched = decision.matched;
        if (decision.invariants !== undefined) record.invariants = decision.invariants;
        failures.push(
          ...ctx.invariants
            .check(event, locate(pointer))
            .map((failure) =>
              testCase.steps === undefined ? failure : { ...failure, step: step.index + 1 },
            ),
        );
        const result = await dispatcher.ingest(event, decision);
        verdicts = result.verdicts;
        record.verdicts = verdicts.map(summarizeVerdict);
        sent.push(...result.outgoing);
        rememberEscalations(escalationKeys, decision.notifications, verdicts);
        if (step.expect !== undefined) {
          failures.push(
            ...compareWithExpectation(step.expect, decision, `${pointer}/expect`, locate).map(
              (failure) =>
                testCase.steps === undefined ? failure : { ...failure, step: step.index + 1 },
            ),
          );
        }
      }
      record.sends = sent.map(summarizeSend);
      if (step.expect !== undefined) {
        failures.push(
          ...compareDispatch(
            step.expect,
            verdicts,
            sent,
            `${pointer}/expect`,
            locate,
            testCase.steps === undefined ? undefined : step.index + 1,
          ),
        );
      }
    } catch (error) {
      const diagnostics = diagnosticsOf(error, 'EXR_SUITE_DISPATCH_FAILED').map((d) => ({
        ...d,
        ...(d.file === undefined ? ctx.source.locate(pointer) : {}),
      }));
      return {
        ...base,
        outcome: 'error',
        failures: [],
        diagnostics,
        timeline,
        durationMs: elapsed(),
      };
    }
  }
  return {
    ...base,
    ...(lastEvent !== undefined ? { event: lastEvent } : {}),
    outcome: failures.length === 0 ? 'pass' : 'fail',
    failures,
    diagnostics: [],
    timeline,
    durationMs: elapsed(),
  };
}

/**
 * Keys of escalations started by this event, by name. A verdict lists the keys of the
 * escalations its notification started, in the order of the notification's `escalate`.
 */
function rememberEscalations(
  byName: Map<string, string[]>,
  notifications: readonly { escalate?: string[] }[],
  verdicts: readonly { notification: number; escalations?: string[] }[],
): void {
  for (const verdict of verdicts) {
    const names = notifications[verdict.notification]?.escalate ?? [];
    (verdict.escalations ?? []).forEach((key, i) => {
      const name = names[i];
      if (name === undefined) return;
      const keys = byName.get(name) ?? [];
      if (!keys.includes(key)) keys.push(key);
      byName.set(name, keys);
    });
  }
}
