import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  idempotencyKey,
  MAX_MESSAGE_ID_LENGTH,
  OUTBOUND_PATHS,
  toNotificationRequests,
} from '@exroute/notifications';
import type {
  EmailSubmitBody,
  SmsSubmitBody,
  WhatsAppTemplateSubmitBody,
} from '@exroute/notifications';
import { validateSubmission } from '@exroute/notifications/emulator';
import { emailNotification, sampleDecision, sampleEvent } from './support/fixtures.js';

describe('toNotificationRequests', () => {
  it('maps an email notification to one job carrying every destination', () => {
    const { requests, diagnostics } = toNotificationRequests(sampleDecision(), sampleEvent(), {
      billingCode: 'cc-42',
      fromDisplayName: 'Exstream routing',
    });
    expect(diagnostics).toEqual([]);
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.path).toBe('/mra/v1/outbound/emails');
    expect(request.channel).toBe('email');
    const body = request.body as EmailSubmitBody;
    const inserts = [
      { id: 1, value: 'invoice' },
      { id: 2, value: 'UK' },
    ];
    expect(body.destinations).toEqual([
      { ref: 'ops-uk', email: 'ops-uk@example.com', inserts },
      { ref: 'alice', email: 'alice@example.com', inserts },
    ]);
    expect(body.options).toEqual({
      message_id: request.key,
      billing_code: 'cc-42',
      customer_reference: 'job-4711',
      email_options: {
        subject: 'Delivery failed for job-4711',
        from_display_name: 'Exstream routing',
      },
    });
    expect(body.body).toHaveLength(1);
    expect(body.body[0]!.name).toBe('EXS-DELIVERY-FAILED.txt');
    expect(Buffer.from(body.body[0]!.data, 'base64').toString('utf8')).toBe(
      'Delivery failed for job-4711\ndocument: invoice\nregion: UK',
    );
    expect(request.origin).toEqual({
      eventSource: 'exstream/acme-prod',
      eventId: 'evt-1',
      template: 'delivery-failed',
      templateId: 'EXS-DELIVERY-FAILED',
      ruleIds: ['delivery-failed-uk'],
      ruleSetVersion: 'sha256:0123456789abcdef',
    });
    expect(request.severity).toBe('high');
    expect(validateSubmission('email', body)).toEqual([]);
  });

  it('writes insert ids as param names when asked', () => {
    const { requests } = toNotificationRequests(sampleDecision(), sampleEvent(), {
      insertIds: 'name',
    });
    const body = requests[0]!.body as EmailSubmitBody;
    expect(body.destinations[0]!.inserts).toEqual([
      { id: 'document', value: 'invoice' },
      { id: 'region', value: 'UK' },
    ]);
  });

  it('omits customer_reference when the event has no correlation id', () => {
    const event = sampleEvent();
    delete event.correlationId;
    const body = toNotificationRequests(sampleDecision(), event).requests[0]!
      .body as EmailSubmitBody;
    expect(Object.keys(body.options)).not.toContain('customer_reference');
  });

  it('maps sms, fax and whatsapp to their endpoints, each body accepted by the emulator', () => {
    const phone = [{ key: 'on-call', address: '+447700900001' }];
    const decision = sampleDecision([
      emailNotification({ channel: 'sms', recipients: phone }),
      emailNotification({ channel: 'fax', recipients: phone }),
      emailNotification({ channel: 'whatsapp', recipients: phone }),
    ]);
    const { requests, diagnostics } = toNotificationRequests(decision, sampleEvent());
    expect(diagnostics).toEqual([]);
    expect(requests.map((r) => r.path)).toEqual([
      OUTBOUND_PATHS.sms,
      OUTBOUND_PATHS.fax,
      OUTBOUND_PATHS.whatsapp,
    ]);
    const sms = requests[0]!.body as SmsSubmitBody;
    expect(sms.destinations).toEqual([{ ref: 'on-call', sms: '+447700900001' }]);
    expect(sms.sms_text).toBe('Delivery failed for job-4711\ndocument: invoice\nregion: UK');
    const whatsapp = requests[2]!.body as WhatsAppTemplateSubmitBody;
    expect(whatsapp.whatsapp_template_message.template_message.channel_template.WHATSAPP).toEqual({
      template_id: 'EXS-DELIVERY-FAILED',
      language_code: 'en',
      parameters: { 'body[1]text': 'invoice', 'body[2]text': 'UK' },
    });
    for (const request of requests)
      expect(validateSubmission(request.channel, request.body)).toEqual([]);
    expect(new Set(requests.map((r) => r.key)).size).toBe(3);
  });

  it('reports unsupported channels, invalid addresses and empty jobs instead of dropping them silently', () => {
    const decision = sampleDecision([
      emailNotification({ channel: 'print' }),
      emailNotification({
        recipients: [
          { key: 'bob', address: 'not-an-address' },
          { key: 'ops-uk', address: 'ops-uk@example.com' },
        ],
      }),
      emailNotification({
        channel: 'sms',
        recipients: [{ key: 'bob', address: 'bob@example.com' }],
      }),
    ]);
    const { requests, diagnostics } = toNotificationRequests(decision, sampleEvent());
    expect(requests).toHaveLength(1);
    expect((requests[0]!.body as EmailSubmitBody).destinations.map((d) => d.email)).toEqual([
      'ops-uk@example.com',
    ]);
    expect(diagnostics.map((d) => [d.code, d.severity, d.pointer])).toEqual([
      ['EXR_DELIVERY_UNSUPPORTED_CHANNEL', 'warning', '/notifications/0/channel'],
      ['EXR_DELIVERY_INVALID_ADDRESS', 'warning', '/notifications/1/recipients/0/address'],
      ['EXR_DELIVERY_INVALID_ADDRESS', 'warning', '/notifications/2/recipients/0/address'],
      ['EXR_DELIVERY_NO_DESTINATIONS', 'warning', '/notifications/2/recipients'],
    ]);
  });

  it('gives a recipient with several addresses distinct refs', () => {
    const decision = sampleDecision([
      emailNotification({
        recipients: [
          { key: 'ops', address: 'a@example.com' },
          { key: 'ops', address: 'b@example.com' },
        ],
      }),
    ]);
    const body = toNotificationRequests(decision, sampleEvent()).requests[0]!
      .body as EmailSubmitBody;
    expect(body.destinations.map((d) => d.ref)).toEqual(['ops', 'ops#2']);
  });

  it('is pure: the same input gives deep-equal output', () => {
    const first = toNotificationRequests(sampleDecision(), sampleEvent());
    const second = toNotificationRequests(sampleDecision(), sampleEvent());
    expect(second).toEqual(first);
  });
});

describe('idempotencyKey', () => {
  it('is stable per (source, id, template, channel) and fits options.message_id', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        (source, id, template, channel) => {
          const key = idempotencyKey(source, id, template, channel);
          expect(key.length).toBeLessThanOrEqual(MAX_MESSAGE_ID_LENGTH);
          expect(key).toMatch(/^exr1-[0-9a-f]{48}$/);
          expect(idempotencyKey(source, id, template, channel)).toBe(key);
        },
      ),
    );
  });

  it('differs when any part differs, including splits that concatenate the same', () => {
    const base = idempotencyKey('s', 'id', 't', 'email');
    expect(idempotencyKey('s', 'id', 't', 'sms')).not.toBe(base);
    expect(idempotencyKey('s', 'id', 't2', 'email')).not.toBe(base);
    expect(idempotencyKey('s', 'id2', 't', 'email')).not.toBe(base);
    expect(idempotencyKey('s2', 'id', 't', 'email')).not.toBe(base);
    expect(idempotencyKey('a', 'bc', 't', 'email')).not.toBe(
      idempotencyKey('ab', 'c', 't', 'email'),
    );
  });

  it('does not change with the rule set version, so re-routing the same event deduplicates', () => {
    const a = toNotificationRequests(sampleDecision(), sampleEvent()).requests[0]!;
    const decision = { ...sampleDecision(), ruleSetVersion: 'sha256:ffffffffffffffff' };
    const b = toNotificationRequests(decision, sampleEvent()).requests[0]!;
    expect(b.key).toBe(a.key);
  });

  it('every mapped request passes the emulator validation (property)', () => {
    const address = fc.constantFrom('a@example.com', 'team.x@example.org', 'z@sub.example.co.uk');
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.string()),
        fc.array(fc.record({ key: fc.string({ minLength: 1, maxLength: 8 }), address }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.option(fc.string(), { nil: undefined }),
        (params, recipients, subject) => {
          const notification = emailNotification({ params, recipients });
          if (subject === undefined) delete notification.subject;
          else notification.subject = subject;
          const { requests } = toNotificationRequests(
            sampleDecision([notification]),
            sampleEvent(),
          );
          expect(requests).toHaveLength(1);
          expect(validateSubmission('email', requests[0]!.body)).toEqual([]);
        },
      ),
    );
  });
});
