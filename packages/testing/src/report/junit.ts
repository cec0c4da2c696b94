import type { CaseResult, SuiteResult, SuiteRunResult } from '../run/results.js';
import { displayPath, formatDiagnosticLine } from './display-path.js';
import { describeCaseProblem } from './pretty.js';

/**
 * JUnit XML as CI servers read it: one `<testsuite>` per suite file, one `<testcase>` per case,
 * `<failure>` for unmet expectations (with the explain trace), `<error>` for invalid input.
 */
export function formatJunitReport(result: SuiteRunResult): string {
  const { summary } = result;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="exroute" tests="${summary.cases + unreadableSuites(result)}" failures="${summary.failed}" errors="${summary.errors}" time="${seconds(result.durationMs)}">`,
  ];
  for (const suite of result.suites) lines.push(...suiteXml(suite));
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function unreadableSuites(result: SuiteRunResult): number {
  return result.suites.filter((suite) => suite.cases.length === 0 && suite.outcome === 'error')
    .length;
}

function suiteXml(suite: SuiteResult): string[] {
  const name = suite.name ?? displayPath(suite.file);
  const file = displayPath(suite.file);
  if (suite.cases.length === 0 && suite.outcome === 'error') {
    const body = suite.diagnostics.map((d) => formatDiagnosticLine(d)).join('\n');
    const first = suite.diagnostics[0];
    return [
      `  <testsuite name="${attr(name)}" file="${attr(file)}" tests="1" failures="0" errors="1" skipped="0" time="${seconds(suite.durationMs)}">`,
      `    <testcase name="suite file is valid" classname="${attr(name)}" file="${attr(file)}" time="0">`,
      `      <error type="${attr(first?.code ?? 'EXR_SUITE_INVALID')}" message="${attr(first?.message ?? 'invalid suite')}">${text(body)}</error>`,
      '    </testcase>',
      '  </testsuite>',
    ];
  }
  const failures = suite.cases.filter((c) => c.outcome === 'fail').length;
  const errors = suite.cases.filter((c) => c.outcome === 'error').length;
  const lines = [
    `  <testsuite name="${attr(name)}" file="${attr(file)}" tests="${suite.cases.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(suite.durationMs)}">`,
  ];
  if (suite.diagnostics.length > 0) {
    lines.push(
      `    <system-err>${text(suite.diagnostics.map((d) => formatDiagnosticLine(d)).join('\n'))}</system-err>`,
    );
  }
  for (const testCase of suite.cases) lines.push(...caseXml(testCase, name));
  lines.push('  </testsuite>');
  return lines;
}

function caseXml(testCase: CaseResult, suiteName: string): string[] {
  const open = `    <testcase name="${attr(testCase.name)}" classname="${attr(suiteName)}" file="${attr(displayPath(testCase.file))}" line="${testCase.line}" time="${seconds(testCase.durationMs)}"`;
  if (testCase.outcome === 'pass') return [`${open}/>`];
  const body = text(describeCaseProblem(testCase));
  if (testCase.outcome === 'fail') {
    const message = testCase.failures.map((f) => `expect.${f.expectation} not met`).join('; ');
    const type = testCase.failures[0]?.expectation ?? 'expectation';
    return [
      `${open}>`,
      `      <failure type="${attr(type)}" message="${attr(message)}">${body}</failure>`,
      '    </testcase>',
    ];
  }
  const first = testCase.diagnostics[0];
  return [
    `${open}>`,
    `      <error type="${attr(first?.code ?? 'EXR_SUITE_ERROR')}" message="${attr(first?.message ?? 'case could not run')}">${body}</error>`,
    '    </testcase>',
  ];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Whether XML 1.0 can carry this code point (tab, newline, CR and everything from space up). */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000
  );
}

function text(value: string): string {
  return Array.from(value, (char) => (isXmlChar(char.codePointAt(0) ?? 0) ? char : '\ufffd'))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}
