import { describeSend } from '../run/dispatch-expectations.js';
import type { CaseResult, ExpectationFailure, StepRecord, SuiteRunResult } from '../run/results.js';
import { displayPath, formatDiagnosticLine } from './display-path.js';
import { formatExplanation, showValue } from './explanation-text.js';
import { createPalette } from './palette.js';
import type { Palette } from './palette.js';

/** Options for the pretty reporter. */
export interface PrettyReportOptions {
  color?: boolean;
  /** Include the coverage section (rules never exercised). */
  coverage?: boolean;
  /** Minimum coverage percentage; shown with the coverage line when set. */
  minCoverage?: number;
  /**
   * The case filter the run used, if any: the coverage line then says that only the selected
   * cases were counted, since rules exercised by the other cases show as uncovered.
   */
  filter?: string;
}

/**
 * A human-readable report: one line per case, and for each failure the expectation, what the
 * router decided, and the explain trace of the event; diagnostics as `file:line:column  CODE`.
 */
export function formatPrettyReport(
  result: SuiteRunResult,
  options: PrettyReportOptions = {},
): string {
  const palette = createPalette(options.color ?? false);
  const lines: string[] = [];
  for (const diagnostic of result.diagnostics) lines.push(formatDiagnosticLine(diagnostic));
  for (const suite of result.suites) {
    const badge =
      suite.outcome === 'pass'
        ? palette.pass('PASS ')
        : suite.outcome === 'fail'
          ? palette.fail('FAIL ')
          : palette.fail('ERROR');
    lines.push(
      `${badge} ${suite.name ?? '(unreadable suite)'}  ${palette.dim(displayPath(suite.file))}`,
    );
    for (const diagnostic of suite.diagnostics)
      lines.push(`    ${formatDiagnosticLine(diagnostic)}`);
    // When the suite's rules do not load, every case fails for that one reason, already listed
    // with the suite: say it once instead of once per case.
    const notRun = suite.cases.filter(
      (c) =>
        c.outcome === 'error' &&
        c.diagnostics.length > 0 &&
        c.diagnostics.every((d) => d.code === 'EXR_SUITE_RULES_INVALID'),
    );
    if (notRun.length > 0 && notRun.length === suite.cases.length) {
      lines.push(
        `  ${palette.fail('!')} ${notRun.length} case(s) not run: the suite's rules do not load (see above)`,
      );
      continue;
    }
    for (const testCase of suite.cases) lines.push(...caseLines(testCase, palette));
  }
  const { summary } = result;
  lines.push('');
  lines.push(
    `Suites: ${summary.suites}   Cases: ${palette.pass(`${summary.passed} passed`)}, ${
      summary.failed > 0 ? palette.fail(`${summary.failed} failed`) : `${summary.failed} failed`
    }, ${summary.errors > 0 ? palette.fail(`${summary.errors} errors`) : `${summary.errors} errors`}   (${result.durationMs} ms)`,
  );
  if (options.coverage === true || options.minCoverage !== undefined) {
    const { coverage } = result;
    const minimum = options.minCoverage !== undefined ? ` (minimum ${options.minCoverage}%)` : '';
    const counted = coverage.rules.some((rule) => rule.kind === 'invariant')
      ? 'rules, policies, inhibit rules, escalation steps and invariants exercised'
      : coverage.rules.some((rule) => rule.kind !== 'rule')
        ? 'rules, policies, inhibit rules and escalation steps exercised'
        : 'rules matched';
    lines.push(
      `Coverage: ${coverage.covered}/${coverage.total} ${counted}, ${coverage.percent}%${minimum}`,
    );
    if (options.filter !== undefined) {
      lines.push(
        `  counted over only the ${summary.cases} case(s) whose name contains '${options.filter}': rules that other cases exercise show as not matched; run without --filter for the suite's coverage`,
      );
    }
    if (options.coverage === true) {
      for (const rule of coverage.uncovered) {
        const kind = rule.kind === 'rule' ? '' : `${COVERAGE_KIND[rule.kind]} `;
        lines.push(
          `  ${palette.warn('never exercised')}  ${kind}${rule.ruleId}  ${palette.dim(`${displayPath(rule.file)}:${rule.line}`)}`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function caseLines(testCase: CaseResult, palette: Palette): string[] {
  const where = palette.dim(`${displayPath(testCase.file)}:${testCase.line}:${testCase.column}`);
  switch (testCase.outcome) {
    case 'pass':
      return [`  ${palette.pass('✓')} ${testCase.name}`];
    case 'error':
      return [
        `  ${palette.fail('!')} ${testCase.name}  ${where}  ${palette.fail('error')}`,
        ...testCase.diagnostics.map((d) => `      ${formatDiagnosticLine(d)}`),
      ];
    case 'fail':
      return [
        `  ${palette.fail('✗')} ${testCase.name}  ${where}`,
        ...testCase.failures.flatMap((failure) => failureLines(failure, palette)),
        ...(testCase.timeline ? timelineLines(testCase.timeline, palette, '      ') : []),
        ...(testCase.explanation
          ? [
              formatExplanation(testCase.explanation, {
                color: paletteIsColored(palette),
                indent: '        ',
              }),
            ]
          : []),
      ];
  }
}

/** The lines describing one failed expectation (shared with the JUnit and vitest output). */
export function failureLines(
  failure: ExpectationFailure,
  palette: Palette = createPalette(false),
): string[] {
  const step = failure.step !== undefined ? `step ${failure.step} ` : '';
  const lines = [
    `      ${palette.fail(`${step}expect.${failure.expectation}`)}  ${palette.dim(`${displayPath(failure.file)}:${failure.line}:${failure.column}`)}`,
    ...(failure.message !== undefined ? [`        ${failure.message}`] : []),
    `        expected: ${showValue(failure.expected)}`,
    `        actual:   ${showValue(failure.actual)}`,
  ];
  if (failure.missing?.length) lines.push(`        missing:    ${failure.missing.join(', ')}`);
  if (failure.unexpected?.length)
    lines.push(`        unexpected: ${failure.unexpected.join(', ')}`);
  return lines;
}

/** A plain-text account of one non-passing case: failures or diagnostics, then the trace. */
export function describeCaseProblem(testCase: CaseResult): string {
  if (testCase.outcome === 'error') {
    return testCase.diagnostics.map((d) => formatDiagnosticLine(d)).join('\n');
  }
  const lines = testCase.failures.flatMap((failure) => failureLines(failure));
  if (testCase.timeline)
    lines.push(...timelineLines(testCase.timeline, createPalette(false), '    '));
  if (testCase.explanation)
    lines.push(formatExplanation(testCase.explanation, { indent: '      ' }));
  return lines.join('\n');
}

function paletteIsColored(palette: Palette): boolean {
  return palette.bold('x') !== 'x';
}

const COVERAGE_KIND = {
  policy: 'policy',
  inhibit: 'inhibit rule',
  'escalation-step': 'escalation step',
  invariant: 'invariant',
} as const;

/**
 * What happened at each step of a stateful case, one block per step: the clock, the event and
 * the rules it matched, each verdict, each message sent, so a failure reads as a story.
 */
export function timelineLines(
  timeline: readonly StepRecord[],
  palette: Palette = createPalette(false),
  indent = '',
): string[] {
  const lines = [`${indent}${palette.bold('timeline')}`];
  for (const step of timeline) {
    const what =
      step.event !== undefined
        ? `${step.event.type} ${palette.dim(step.event.id)}${
            step.matched !== undefined
              ? `  rules: ${step.matched.length > 0 ? step.matched.map((m) => m.ruleId).join(', ') : '(none)'}`
              : ''
          }`
        : palette.dim('(clock only)');
    const note = step.note !== undefined ? `  ${palette.dim(`# ${step.note}`)}` : '';
    lines.push(`${indent}  ${String(step.step).padStart(2)}  ${step.at}  ${what}${note}`);
    if (step.acknowledged !== undefined) {
      lines.push(
        `${indent}        acknowledged ${step.acknowledged.length > 0 ? step.acknowledged.join(', ') : '(nothing open)'}`,
      );
    }
    for (const verdict of step.verdicts ?? []) {
      const policy = verdict.policy !== undefined ? ` [${verdict.policy}]` : '';
      const detail = verdict.detail !== undefined ? ` ${verdict.detail}` : '';
      lines.push(
        `${indent}        ${verdict.template}/${verdict.channel} → ${verdict.kind}${detail}${policy}`,
      );
    }
    for (const send of step.sends) {
      lines.push(`${indent}        ${palette.pass('sent')} ${describeSend(send)}`);
      for (const line of send.lines ?? []) lines.push(`${indent}          · ${line}`);
    }
    if (step.sends.length === 0) lines.push(`${indent}        ${palette.dim('nothing sent')}`);
  }
  return lines;
}
