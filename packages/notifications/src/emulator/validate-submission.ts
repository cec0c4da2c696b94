import type { SupportedChannel } from '../mapping/wire-types.js';

/** One reason the emulator rejects a submission with 400. */
export interface SubmissionProblem {
  /** JSON Pointer into the request body. */
  pointer: string;
  message: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ()./-]{3,30}$/;
const MAX_DESTINATIONS = 10_000;

/**
 * Checks an outbound body the way the emulator's endpoints do (shape per the public API
 * reference; the exact rules of the real service are not published, so these are conservative).
 */
export function validateSubmission(channel: SupportedChannel, body: unknown): SubmissionProblem[] {
  const problems: SubmissionProblem[] = [];
  if (!isRecord(body)) return [{ pointer: '', message: 'body must be a JSON object' }];
  const addressField = channel;
  checkDestinations(
    body['destinations'],
    addressField,
    channel === 'email' ? EMAIL : PHONE,
    problems,
  );
  checkOptions(body['options'], problems);
  switch (channel) {
    case 'email':
      checkDocuments(body['body'], '/body', problems);
      if (isRecord(body['options']) && body['options']['email_options'] !== undefined) {
        const emailOptions = body['options']['email_options'];
        if (!isRecord(emailOptions)) {
          problems.push({ pointer: '/options/email_options', message: 'must be an object' });
        } else if (
          emailOptions['subject'] !== undefined &&
          typeof emailOptions['subject'] !== 'string'
        ) {
          problems.push({ pointer: '/options/email_options/subject', message: 'must be a string' });
        }
      }
      break;
    case 'sms':
      if (typeof body['sms_text'] !== 'string' || body['sms_text'] === '') {
        problems.push({ pointer: '/sms_text', message: 'must be a non-empty string' });
      }
      break;
    case 'fax':
      checkDocuments(body['documents'], '/documents', problems);
      break;
    case 'whatsapp': {
      const template = dig(body, [
        'whatsapp_template_message',
        'template_message',
        'channel_template',
        'WHATSAPP',
      ]);
      if (
        !isRecord(template) ||
        typeof template['template_id'] !== 'string' ||
        template['template_id'] === ''
      ) {
        problems.push({
          pointer:
            '/whatsapp_template_message/template_message/channel_template/WHATSAPP/template_id',
          message: 'must be a non-empty string',
        });
      }
      break;
    }
  }
  return problems;
}

function checkDestinations(
  value: unknown,
  field: string,
  pattern: RegExp,
  problems: SubmissionProblem[],
): void {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_DESTINATIONS) {
    problems.push({
      pointer: '/destinations',
      message: `must be an array of 1-${MAX_DESTINATIONS} destinations`,
    });
    return;
  }
  value.forEach((destination: unknown, i) => {
    const at = `/destinations/${i}`;
    if (!isRecord(destination)) {
      problems.push({ pointer: at, message: 'must be an object' });
      return;
    }
    const address = destination[field];
    if (typeof address !== 'string' || !pattern.test(address)) {
      problems.push({ pointer: `${at}/${field}`, message: `must be a valid ${field} address` });
    }
    if (destination['ref'] !== undefined && typeof destination['ref'] !== 'string') {
      problems.push({ pointer: `${at}/ref`, message: 'must be a string' });
    }
    const inserts = destination['inserts'];
    if (inserts === undefined) return;
    if (!Array.isArray(inserts)) {
      problems.push({ pointer: `${at}/inserts`, message: 'must be an array' });
      return;
    }
    inserts.forEach((insert: unknown, j) => {
      if (
        !isRecord(insert) ||
        (typeof insert['id'] !== 'number' && typeof insert['id'] !== 'string') ||
        typeof insert['value'] !== 'string'
      ) {
        problems.push({
          pointer: `${at}/inserts/${j}`,
          message: 'must be { id: number|string, value: string }',
        });
      }
    });
  });
}

function checkDocuments(value: unknown, pointer: string, problems: SubmissionProblem[]): void {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ pointer, message: 'must be a non-empty array of documents' });
    return;
  }
  value.forEach((document: unknown, i) => {
    const at = `${pointer}/${i}`;
    if (!isRecord(document)) {
      problems.push({ pointer: at, message: 'must be an object' });
      return;
    }
    for (const field of ['name', 'type'] as const) {
      if (typeof document[field] !== 'string' || document[field] === '') {
        problems.push({ pointer: `${at}/${field}`, message: 'must be a non-empty string' });
      }
    }
    const data = document['data'];
    if (typeof data !== 'string' || data === '' || data.length % 4 !== 0 || !BASE64.test(data)) {
      problems.push({ pointer: `${at}/data`, message: 'must be non-empty base64' });
    }
  });
}

function checkOptions(value: unknown, problems: SubmissionProblem[]): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    problems.push({ pointer: '/options', message: 'must be an object' });
    return;
  }
  const messageId = value['message_id'];
  if (messageId !== undefined && (typeof messageId !== 'string' || messageId.length > 80)) {
    problems.push({
      pointer: '/options/message_id',
      message: 'must be a string of at most 80 characters',
    });
  }
  for (const field of ['billing_code', 'customer_reference'] as const) {
    if (value[field] !== undefined && typeof value[field] !== 'string') {
      problems.push({ pointer: `/options/${field}`, message: 'must be a string' });
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dig(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (!isRecord(current)) return undefined;
    current = current[segment];
  }
  return current;
}
