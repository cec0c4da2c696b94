/**
 * One suite bound to its loaded rule set and a core router with a controllable clock. Cases are
 * routed by `@exroute/core`'s own router — the runner never re-implements matching.
 */
import { performance } from 'node:perf_hooks';
import { checkRuleFiles, createRouter } from '@exroute/core';
import type { Diagnostic, NormalizedEvent, Router, RuleSet, RuleFilesCheck } from '@exroute/core';
import type { SuiteCase, SuiteDefinition } from '../suite/model.js';
import { childPointer } from '../suite/yaml-source.js';
import type { YamlSource } from '../suite/yaml-source.js';
import { DEFAULT_EVENT_SOURCE, DEFAULT_EVENT_TIME, diagnosticsOf } from './case-defaults.js';
import { compareWithExpectation, findUnknownNames } from './expectations.js';
import type { CaseResult } from './results.js';
import { InvariantAssertion } from './invariant-expectations.js';
import { expectsDispatch, runTimeline } from './timeline.js';
import type { TimelineContext } from './timeline.js';

export { DEFAULT_EVENT_SOURCE, DEFAULT_EVENT_TIME, diagnosticsOf } from './case-defaults.js';

/** Loads rule sets once per distinct list of rule paths, so suites sharing rules share the work. */
export class RuleSetCache {
  private readonly loads = new Map<string, Promise<RuleFilesCheck>>();

  /** The core loader's verdict on `paths` (walked and checked once): the rule set, or why not. */
  load(paths: readonly string[]): Promise<RuleFilesCheck> {
    const key = JSON.stringify(paths);
    const cached = this.loads.get(key);
    if (cached !== undefined) return cached;
    const loading = checkRuleFiles([...paths]);
    this.loads.set(key, loading);
    return loading;
  }
}

/** A suite ready to run: its rules loaded and compiled. */
export class SuiteSession {
  readonly suite: SuiteDefinition;
  readonly ruleSet: RuleSet;
  readonly ruleFiles: string[];
  private readonly source: YamlSource;
  private readonly router: Router;
  private readonly invariants: InvariantAssertion;
  private now = new Date(DEFAULT_EVENT_TIME);

  private constructor(
    suite: SuiteDefinition,
    source: YamlSource,
    ruleSet: RuleSet,
    ruleFiles: string[],
  ) {
    this.suite = suite;
    this.source = source;
    this.ruleSet = ruleSet;
    this.ruleFiles = ruleFiles;
    this.router = createRouter(ruleSet, { clock: () => this.now });
    this.invariants = new InvariantAssertion(ruleSet, () => this.now);
  }

  /**
   * Loads the suite's rules; resolves to the session, or to the diagnostics explaining why the
   * rules cannot be used (missing paths, invalid rule files). Never rejects.
   */
  static async open(
    suite: SuiteDefinition,
    source: YamlSource,
    cache: RuleSetCache = new RuleSetCache(),
  ): Promise<
    | { session: SuiteSession; diagnostics?: undefined }
    | { diagnostics: Diagnostic[]; ruleFiles: string[] }
  > {
    let files: string[] = [];
    try {
      const check = await cache.load(suite.rules);
      files = check.files;
      if (check.pathDiagnostics.some((d) => d.severity === 'error')) {
        return {
          diagnostics: check.pathDiagnostics.map((d) => pointAtRulesEntry(d, suite, source)),
          ruleFiles: files,
        };
      }
      if (check.ruleSet === undefined || check.diagnostics.some((d) => d.severity === 'error')) {
        return {
          diagnostics: check.diagnostics.map((d) => pointAtRulesEntry(d, suite, source)),
          ruleFiles: files,
        };
      }
      return { session: new SuiteSession(suite, source, check.ruleSet, files) };
    } catch (error) {
      return { diagnostics: diagnosticsOf(error, 'EXR_SUITE_RULES_INVALID'), ruleFiles: files };
    }
  }

  /**
   * Runs one case: a routing case is routed with the clock frozen at its `at` and compared with
   * its expectations; a case with `steps`, or one that expects `verdicts` / `sends`, runs on a
   * moving clock against a fresh in-memory dispatcher (see `runTimeline`). Never rejects.
   */
  async runCase(testCase: SuiteCase): Promise<CaseResult> {
    if (testCase.steps !== undefined || expectsDispatch(testCase.expect)) {
      return runTimeline(this.timelineContext(), testCase);
    }
    return this.routeCase(testCase);
  }

  private timelineContext(): TimelineContext {
    return {
      suite: this.suite,
      source: this.source,
      ruleSet: this.ruleSet,
      router: this.router,
      invariants: this.invariants,
      setClock: (at) => {
        this.now = at;
      },
      eventOf: (at, event, id) => this.eventOf(at, event, id),
      positionEventDiagnostic: (d, event, pointer) =>
        this.positionEventDiagnostic(d, event, pointer),
    };
  }

  /** The event of a case or step: defaults, then what it sets; id and time filled in. */
  private eventOf(at: string | undefined, event: Record<string, unknown>, id: string) {
    return {
      id,
      source: DEFAULT_EVENT_SOURCE,
      time: at ?? DEFAULT_EVENT_TIME,
      data: {},
      ...this.suite.defaults.event,
      ...event,
    } as NormalizedEvent;
  }

  private routeCase(testCase: SuiteCase): CaseResult {
    const started = performance.now();
    const casePointer = childPointer('/cases', testCase.index);
    const expectPointer = `${casePointer}/expect`;
    const at = testCase.at ?? this.suite.defaults.at;
    const expect = testCase.expect ?? {};
    const event = this.eventOf(at, testCase.event ?? {}, `case-${testCase.index + 1}`);
    const clock = at ?? (typeof event.time === 'string' ? event.time : DEFAULT_EVENT_TIME);
    const base = {
      suite: this.suite.name,
      name: testCase.name,
      index: testCase.index,
      file: testCase.location.file,
      line: testCase.location.line,
      column: testCase.location.column,
      event,
      at: new Date(clock).toISOString(),
    };
    const elapsed = (): number => Math.round((performance.now() - started) * 1000) / 1000;

    const unknown = findUnknownNames(expect, this.ruleSet, expectPointer, this.source);
    if (unknown.length > 0) {
      return {
        ...base,
        outcome: 'error',
        failures: [],
        diagnostics: unknown,
        durationMs: elapsed(),
      };
    }
    this.now = new Date(clock);
    try {
      const decision = this.router.route(event);
      const failures = [
        ...compareWithExpectation(expect, decision, expectPointer, (p) => this.source.locate(p)),
        ...this.invariants.check(event, this.source.locate(casePointer)),
      ];
      if (failures.length === 0) {
        return {
          ...base,
          outcome: 'pass',
          failures,
          diagnostics: [],
          decision,
          durationMs: elapsed(),
        };
      }
      const explanation = this.router.explain(event);
      return {
        ...base,
        outcome: 'fail',
        failures,
        diagnostics: [],
        decision,
        explanation,
        durationMs: elapsed(),
      };
    } catch (error) {
      const diagnostics = diagnosticsOf(error, 'EXR_SUITE_ROUTING_FAILED').map((d) =>
        this.positionEventDiagnostic(d, testCase.event ?? {}, `${casePointer}/event`),
      );
      return { ...base, outcome: 'error', failures: [], diagnostics, durationMs: elapsed() };
    }
  }

  /** Moves an event diagnostic (JSON Pointer into the event) to the suite line that set it. */
  private positionEventDiagnostic(
    diagnostic: Diagnostic,
    event: Record<string, unknown>,
    eventPointer: string,
  ): Diagnostic {
    if (diagnostic.file !== undefined || diagnostic.pointer === undefined) return diagnostic;
    const field = diagnostic.pointer.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
    const fromDefaults =
      field !== undefined &&
      !Object.prototype.hasOwnProperty.call(event, field) &&
      Object.prototype.hasOwnProperty.call(this.suite.defaults.event, field);
    const base = fromDefaults ? '/defaults' : eventPointer;
    return { ...diagnostic, ...this.source.locate(`${base}${diagnostic.pointer}`) };
  }
}

/**
 * A problem with a `rules:` path itself (missing, empty directory) has no line of its own: show
 * it at the suite line that names the path.
 */
function pointAtRulesEntry(
  diagnostic: Diagnostic,
  suite: SuiteDefinition,
  source: YamlSource,
): Diagnostic {
  if (diagnostic.file === undefined || diagnostic.line !== undefined) return diagnostic;
  const index = suite.rules.indexOf(diagnostic.file);
  if (index < 0) return diagnostic;
  return { ...diagnostic, ...source.locate(childPointer('/rules', index)) };
}
