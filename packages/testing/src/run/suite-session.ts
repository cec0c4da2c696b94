/**
 * One suite bound to its loaded rule set and a core router with a controllable clock. Cases are
 * routed by `@exroute/core`'s own router — the runner never re-implements matching.
 */
import { performance } from 'node:perf_hooks';
import { ExrouteError, checkRuleFiles, collectRuleFiles, createRouter } from '@exroute/core';
import type { Diagnostic, NormalizedEvent, Router, RuleSet, RuleSetCheck } from '@exroute/core';
import type { SuiteCase, SuiteDefinition } from '../suite/model.js';
import { childPointer } from '../suite/yaml-source.js';
import type { YamlSource } from '../suite/yaml-source.js';
import { compareWithExpectation, findUnknownNames } from './expectations.js';
import type { CaseResult } from './results.js';

/** Event id and source a case gets unless it or the suite defaults say otherwise. */
export const DEFAULT_EVENT_SOURCE = 'exroute/test';
/** Event time (and clock) of a case that sets neither `time` nor `at` anywhere. */
export const DEFAULT_EVENT_TIME = '2000-01-01T00:00:00Z';

/** Loads rule sets once per distinct list of files, so suites sharing rules share the work. */
export class RuleSetCache {
  private readonly loads = new Map<string, Promise<RuleSetCheck>>();

  /** The core loader's verdict on `files` (checked once): the rule set, or why there is none. */
  load(files: readonly string[]): Promise<RuleSetCheck> {
    const key = JSON.stringify([...files].sort());
    const cached = this.loads.get(key);
    if (cached !== undefined) return cached;
    const loading = checkRuleFiles([...files]);
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
    const { files, diagnostics } = await collectRuleFiles(suite.rules);
    if (diagnostics.some((d) => d.severity === 'error')) {
      return {
        diagnostics: diagnostics.map((d) => pointAtRulesEntry(d, suite, source)),
        ruleFiles: files,
      };
    }
    try {
      const check = await cache.load(files);
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

  /** Routes one case with the clock frozen at its `at` and compares with its expectations. */
  runCase(testCase: SuiteCase): CaseResult {
    const started = performance.now();
    const casePointer = childPointer('/cases', testCase.index);
    const expectPointer = `${casePointer}/expect`;
    const at = testCase.at ?? this.suite.defaults.at;
    const event = {
      id: `case-${testCase.index + 1}`,
      source: DEFAULT_EVENT_SOURCE,
      time: at ?? DEFAULT_EVENT_TIME,
      data: {},
      ...this.suite.defaults.event,
      ...testCase.event,
    } as NormalizedEvent;
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

    const unknown = findUnknownNames(testCase.expect, this.ruleSet, expectPointer, this.source);
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
      const failures = compareWithExpectation(testCase.expect, decision, expectPointer, (p) =>
        this.source.locate(p),
      );
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
        this.positionEventDiagnostic(d, testCase, casePointer),
      );
      return { ...base, outcome: 'error', failures: [], diagnostics, durationMs: elapsed() };
    }
  }

  /** Moves an event diagnostic (JSON Pointer into the event) to the suite line that set it. */
  private positionEventDiagnostic(
    diagnostic: Diagnostic,
    testCase: SuiteCase,
    casePointer: string,
  ): Diagnostic {
    if (diagnostic.file !== undefined || diagnostic.pointer === undefined) return diagnostic;
    const field = diagnostic.pointer.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
    const fromDefaults =
      field !== undefined &&
      !Object.prototype.hasOwnProperty.call(testCase.event, field) &&
      Object.prototype.hasOwnProperty.call(this.suite.defaults.event, field);
    const base = fromDefaults ? '/defaults' : `${casePointer}/event`;
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

/** The diagnostics carried by an exroute error, or one diagnostic describing anything else. */
export function diagnosticsOf(error: unknown, fallbackCode: string): Diagnostic[] {
  if (error instanceof ExrouteError) return error.diagnostics;
  return [
    {
      code: fallbackCode,
      severity: 'error',
      message: `unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    },
  ];
}
