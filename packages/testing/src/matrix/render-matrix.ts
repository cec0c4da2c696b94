/** The notification matrix as Markdown (for people) and CSV (for spreadsheets). */
import type { NotificationMatrix } from './notification-matrix.js';

const COLUMNS = [
  'Document type',
  'Region',
  'Event type',
  'Template',
  'Channel',
  'Recipients',
  'Rules',
];

function mdCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
}

/** One Markdown table, a row per notification (or "nobody" for a cell without any), with notes. */
export function formatMatrixMarkdown(matrix: NotificationMatrix): string {
  const lines = [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...matrix.rows.map((row) =>
      row.template === ''
        ? `| ${mdCell(row.documentType)} | ${mdCell(row.region)} | _nobody is notified_ | | | | |`
        : `| ${[
            row.documentType,
            row.region,
            row.eventType,
            row.template,
            row.channel,
            row.recipients.join(', '),
            row.rules.join(', '),
          ]
            .map(mdCell)
            .join(' | ')} |`,
    ),
    '',
    `Routed at ${matrix.at}: one event per document type × region × event type the rules mention; ${'`(other)`'} stands for every value they do not mention, ${'`(none)`'} for an event without the field.`,
  ];
  if (matrix.otherFields.length > 0) {
    lines.push(
      '',
      'These rules also depend on other fields, so they appear only where an event with priority normal, no channel and empty data meets them:',
      '',
      ...matrix.otherFields.map((r) => `- ${mdCell(r.ruleId)}: ${mdCell(r.fields.join(', '))}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** An RFC 4180 field; a leading = + - @ is prefixed with ' so spreadsheets never run it as a formula. */
function csvField(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV with a header row; recipients, addresses and rules are `;`-separated inside their field. */
export function formatMatrixCsv(matrix: NotificationMatrix): string {
  const header = [
    'documentType',
    'region',
    'eventType',
    'template',
    'templateId',
    'channel',
    'recipients',
    'addresses',
    'rules',
    'policy',
  ];
  const rows = matrix.rows.map((row) =>
    [
      row.documentType,
      row.region,
      row.eventType,
      row.template,
      row.templateId,
      row.channel,
      row.recipients.join(';'),
      row.addresses.join(';'),
      row.rules.join(';'),
      row.policy ?? '',
    ]
      .map(csvField)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}
