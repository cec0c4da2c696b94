import type { ConditionTrace, Explanation, RuleExplanation } from '@exroute/core';
import { displayPath } from './display-path.js';
import { createPalette } from './palette.js';
import type { Palette } from './palette.js';

/** Options for `formatExplanation`. */
export interface ExplanationTextOptions {
  color?: boolean;
  /** Prefix for every line. */
  indent?: string;
  /** Show condition trees of rules that matched too (default: only for rules that did not). */
  verbose?: boolean;
}

/**
 * A readable trace of `explanation`: every rule's verdict in evaluation order, the failing
 * conditions with the actual values read from the event, then the resulting notifications.
 */
export function formatExplanation(
  explanation: Explanation,
  options: ExplanationTextOptions = {},
): string {
  const palette = createPalette(options.color ?? false);
  const indent = options.indent ?? '';
  const lines: string[] = [
    palette.bold(
      `event ${explanation.eventId}  clock ${explanation.now}  rules ${explanation.ruleSetVersion}`,
    ),
  ];
  for (const rule of explanation.rules) {
    lines.push(...ruleLines(rule, palette, options.verbose ?? false));
  }
  const { decision } = explanation;
  lines.push(
    palette.bold(
      `decision: ${decision.matched.length} rule(s) matched, ${decision.notifications.length} notification(s)`,
    ),
  );
  for (const notification of decision.notifications) {
    const extras = [
      notification.severity !== undefined ? `severity ${notification.severity}` : '',
      notification.dueAt !== undefined ? `due ${notification.dueAt}` : '',
      notification.sendAt !== undefined ? `send at ${notification.sendAt}` : '',
      `from ${notification.ruleIds.join(', ')}`,
    ].filter((part) => part !== '');
    lines.push(
      `  ${notification.template} (${notification.templateId}) on ${notification.channel}  ${palette.dim(extras.join('; '))}`,
    );
    for (const recipient of notification.recipients) {
      const via = recipient.via?.length ? palette.dim(` via ${recipient.via.join(' > ')}`) : '';
      lines.push(`    → ${recipient.key} <${recipient.address}>${via}`);
    }
  }
  for (const missing of explanation.missingPlaceholders) {
    lines.push(
      palette.warn(
        `  placeholder {{ ${missing.placeholder} }} of template ${missing.template} rendered empty (field missing)`,
      ),
    );
  }
  return lines.map((line) => `${indent}${line}`).join('\n');
}

function ruleLines(rule: RuleExplanation, palette: Palette, verbose: boolean): string[] {
  const where = palette.dim(`${displayPath(rule.file)}:${rule.line}`);
  switch (rule.outcome) {
    case 'matched': {
      const head = `  ${palette.pass('✓')} ${rule.ruleId}  ${where}  matched`;
      return verbose && rule.condition ? [head, ...traceLines(rule.condition, 3, palette)] : [head];
    }
    case 'not-matched':
    case 'skipped-by-index': {
      const why =
        rule.outcome === 'skipped-by-index' ? 'not matched (pinned field differs)' : 'not matched';
      const head = `  ${palette.fail('✗')} ${rule.ruleId}  ${where}  ${why}`;
      if (rule.condition === undefined) return [head];
      const body = verbose
        ? traceLines(rule.condition, 3, palette)
        : reasonLines(rule.condition, 3, palette, true);
      return [head, ...body];
    }
    case 'not-effective':
      return [`  - ${rule.ruleId}  ${where}  not effective at this time`];
    case 'stopped':
      return [`  - ${rule.ruleId}  ${where}  stopped by ${rule.stoppedBy ?? 'an earlier rule'}`];
  }
}

function traceLines(trace: ConditionTrace, depth: number, palette: Palette): string[] {
  const pad = '  '.repeat(depth);
  const mark = trace.result ? palette.pass('✓') : palette.fail('✗');
  const note = trace.note !== undefined ? palette.dim(`  (${trace.note})`) : '';
  if (trace.kind === 'leaf') {
    const field = `${trace.fact ?? '?'}${trace.path !== undefined ? trace.path.slice(1) : ''}`;
    const actual = trace.actual === undefined ? 'missing' : showValue(trace.actual);
    return [
      `${pad}${mark} ${field} ${trace.operator ?? '?'} ${showValue(trace.expected)}  ${palette.dim('actual:')} ${actual}${note}`,
    ];
  }
  const label =
    trace.kind === 'reference'
      ? `condition ${trace.reference ?? '?'}${trace.repeated === true ? ' (as above)' : ''}`
      : trace.kind;
  const children = (trace.children ?? []).flatMap((child) => traceLines(child, depth + 1, palette));
  return [`${pad}${mark} ${label}${note}`, ...children];
}

/**
 * Only why a condition is false: the failing leaves, under the `any`/reference nodes that lead
 * to them; a failing `not` shows the whole subtree that held. Keeps long rule sets readable.
 */
function reasonLines(
  trace: ConditionTrace,
  depth: number,
  palette: Palette,
  isRoot = false,
): string[] {
  if (trace.result) return [];
  switch (trace.kind) {
    case 'leaf':
      return traceLines(trace, depth, palette);
    case 'not':
      return traceLines(trace, depth, palette);
    case 'all': {
      const children = trace.children ?? [];
      if (isRoot) return children.flatMap((child) => reasonLines(child, depth, palette));
      return [
        ...headLine(trace, depth, palette),
        ...children.flatMap((child) => reasonLines(child, depth + 1, palette)),
      ];
    }
    case 'any':
      return [
        ...headLine(trace, depth, palette),
        ...(trace.children ?? []).flatMap((child) => reasonLines(child, depth + 1, palette)),
      ];
    case 'reference':
      return [
        ...headLine(trace, depth, palette),
        ...(trace.children ?? []).flatMap((child) => reasonLines(child, depth + 1, palette, true)),
      ];
  }
}

function headLine(trace: ConditionTrace, depth: number, palette: Palette): string[] {
  return traceLines({ ...trace, children: [] }, depth, palette);
}

/** JSON for values, shortened so a large payload cannot flood the trace. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
