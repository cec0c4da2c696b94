/** `exroute diff` reports: an aligned terminal table and Markdown sized for a pull-request comment. */
import type {
  DefinitionChange,
  DiffPlace,
  ImpactChange,
  ImpactGroup,
  RuleSetDiff,
} from './model.js';

/** GitHub refuses comments over 65,536 characters; stay well below with room for a footer. */
export const DEFAULT_MARKDOWN_BUDGET = 60_000;
/** Rows shown per Markdown table before the rest are counted instead. */
export const DEFAULT_MARKDOWN_ROWS = 50;

const at = (place: DiffPlace | undefined): string =>
  place === undefined ? '' : `${place.file}:${place.line}`;

function groupName(group: ImpactGroup): string {
  return [
    group.type,
    group.documentType ?? '(no document type)',
    group.region ?? '(no region)',
  ].join(' · ');
}

function summaryLine(diff: RuleSetDiff): string {
  const { impact } = diff;
  const defs = `${diff.definitions.length} definition${diff.definitions.length === 1 ? '' : 's'} changed`;
  const events =
    impact.events === 0
      ? 'no events routed'
      : `${impact.changed} of ${impact.routed} events route differently (${impact.withLoss} lose, ${impact.withGain} gain)`;
  const problems =
    diff.diagnostics.length > 0
      ? `; ${impact.events - impact.routed} events could not be routed`
      : '';
  return `${defs}; ${events}${problems}`;
}

/** Columns padded to their widest cell, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function example(change: ImpactChange): string {
  return `e.g. ${change.example.eventId} (${at(change.example.origin)})`;
}

/** The diff as plain text for a terminal: definitions, then impact per event group. */
export function formatDiffText(diff: RuleSetDiff): string {
  const lines = [
    `exroute diff  ${diff.old.label} (${diff.old.version}) → ${diff.new.label} (${diff.new.version})`,
    summaryLine(diff),
    '',
  ];
  lines.push(`Definitions: ${diff.definitions.length === 0 ? 'no changes' : ''}`.trimEnd());
  lines.push(
    ...table(
      diff.definitions.map((d) => [
        `  ${d.change}`,
        d.kind,
        d.key,
        definitionPlaces(d),
        d.fields !== undefined ? `(${d.fields.join(', ')})` : '',
      ]),
    ),
  );
  lines.push('');
  lines.push(
    `Impact: ${diff.impact.groups.length === 0 ? (diff.impact.events === 0 ? 'no events (give --events, or suites for these rules)' : 'no event routes differently') : ''}`.trimEnd(),
  );
  for (const group of diff.impact.groups) {
    lines.push(`  ${groupName(group)}  (${group.changedEvents} of ${group.events} events change)`);
    lines.push(
      ...table(
        group.changes.map((c) => [
          `    ${c.change === 'lost' ? '-' : '+'} ${c.change}`,
          c.aspect,
          c.value,
          `${c.events} event${c.events === 1 ? '' : 's'}`,
          example(c),
        ]),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function definitionPlaces(d: DefinitionChange): string {
  if (d.old !== undefined && d.new !== undefined) return `${at(d.old)} → ${at(d.new)}`;
  return at(d.old ?? d.new);
}

/** Options of `formatDiffMarkdown`. */
export interface DiffMarkdownOptions {
  /** Most characters of the whole comment (default 60,000). */
  maxChars?: number;
  /** Most rows per table (default 50). */
  maxRows?: number;
}

/** A Markdown table cell: pipes escaped, no line breaks, no HTML. */
function cell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'");
}

const code = (text: string): string =>
  text === ''
    ? ''
    : `\`${text
        .replace(/`/g, "'")
        .replace(/[\r\n]+/g, ' ')
        .replace(/\|/g, '\\|')}\``;

/**
 * The diff as a pull-request comment: a summary line, a table of definition changes and one of
 * gains and losses per event group. Tables longer than `maxRows`, and anything past `maxChars`,
 * are cut, with a line saying how many rows were left out.
 */
export function formatDiffMarkdown(diff: RuleSetDiff, options: DiffMarkdownOptions = {}): string {
  const budget = Math.max(1000, options.maxChars ?? DEFAULT_MARKDOWN_BUDGET);
  const maxRows = Math.max(1, options.maxRows ?? DEFAULT_MARKDOWN_ROWS);
  const head = [
    `### Routing change: ${code(diff.old.label)} → ${code(diff.new.label)}`,
    '',
    `**${cell(summaryLine(diff))}**`,
    '',
  ];
  const definitionRows = diff.definitions.map(
    (d) =>
      `| ${d.change} | ${d.kind} | ${code(d.key)} | ${cell(at(d.old))} | ${cell(at(d.new))} | ${cell(d.fields?.join(', ') ?? '')} |`,
  );
  const impactRows = diff.impact.groups.flatMap((g) =>
    g.changes.map(
      (c) =>
        `| ${code(g.type)} | ${cell(g.documentType ?? '')} | ${cell(g.region ?? '')} | ${c.change === 'lost' ? '➖ lost' : '➕ gained'} | ${c.aspect} | ${cell(c.value)} | ${c.events} of ${g.events} | ${cell(c.example.eventId)} (${cell(at(c.example.origin))}) |`,
    ),
  );
  const sections: { title: string; header: string[]; rows: string[]; empty: string }[] = [
    {
      title: '#### Definitions',
      header: ['| Change | Kind | Key | Old | New | Fields |', '|---|---|---|---|---|---|'],
      rows: definitionRows,
      empty: 'No rule, recipient, template, policy or calendar changed.',
    },
    {
      title: '#### Who is told what',
      header: [
        '| Event type | Document type | Region | Change | Aspect | What | Events | Example |',
        '|---|---|---|---|---|---|---|---|',
      ],
      rows: impactRows,
      empty:
        diff.impact.events === 0
          ? 'No events were routed (no corpus given and no suites found).'
          : `None of the ${diff.impact.routed} events routes differently.`,
    },
  ];
  const footerRoom = 200;
  let used = head.join('\n').length + footerRoom;
  const out = [...head];
  for (const section of sections) {
    out.push(section.title, '');
    used += section.title.length + 2;
    if (section.rows.length === 0) {
      out.push(section.empty, '');
      used += section.empty.length + 2;
      continue;
    }
    out.push(...section.header);
    used += section.header.join('\n').length + 1;
    let shown = 0;
    for (const row of section.rows) {
      if (shown >= maxRows || used + row.length + 1 > budget) break;
      out.push(row);
      used += row.length + 1;
      shown += 1;
    }
    if (shown < section.rows.length) {
      const note = `\n_…and ${section.rows.length - shown} more rows not shown; run \`exroute diff --format json\` for all of them._`;
      out.push(note);
      used += note.length + 1;
    }
    out.push('');
  }
  if (diff.diagnostics.length > 0) {
    out.push(
      `_${diff.diagnostics.length} problems reading or routing events; see the CI log._`,
      '',
    );
  }
  out.push(`<sub>${cell(diff.old.version)} → ${cell(diff.new.version)} · exroute diff</sub>`, '');
  return out.join('\n');
}
