import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { NotificationsEmulator } from '@exroute/notifications/emulator';

/** A throw-away project directory of real files. */
export class TempProject {
  readonly root = mkdtempSync(join(tmpdir(), 'exroute-cli-'));

  write(relative: string, text: string): string {
    const path = join(this.root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export const RULES = `apiVersion: exroute/v1
recipients:
  legal-reviewers: { members: [alice, bob] }
  alice: { email: alice@example.com }
  bob: { email: bob@example.com, sms: "+447700900001" }
  ops: { email: ops@example.com }
templates:
  review: { id: EXS-REVIEW, channels: [email], subject: "Review {{ documentType }}" }
  alert: { id: EXS-ALERT, channels: [email] }
rules:
  - id: legal-review
    description: Legal letters need review
    when: { type: content.review_requested, documentType: legal-correspondence }
    notify: [{ to: [legal-reviewers], template: review, severity: high }]
  - id: service-alerts
    description: Alerts from other services go to operations
    when: { type: service.alert }
    notify: [{ to: [ops], template: alert }]
`;

export const LEGAL_EVENT = {
  id: 'evt-1',
  source: 'exstream/test',
  type: 'content.review_requested',
  time: '2026-11-30T10:00:00Z',
  documentType: 'legal-correspondence',
  data: {},
};

export const PASSING_SUITE = `suite: review
rules: [../rules]
defaults: { source: exstream/test, time: "2026-11-30T10:00:00Z" }
cases:
  - name: legal letter
    event: { type: content.review_requested, documentType: legal-correspondence, data: {} }
    expect: { rules: [legal-review], recipients: { include: [alice] } }
`;

export const FAILING_SUITE = `suite: wrong
rules: [../rules]
cases:
  - name: expects the wrong rule
    event: { type: content.review_requested, documentType: legal-correspondence, data: {} }
    expect: { rules: [service-alerts] }
`;

export const RAW_CLOUDEVENT =
  '{"specversion":"1.0","id":"ce-1","source":"/opentext/notifications/eu","type":"com.opentext.notifications.webhook.delivery_failed","time":"2026-03-02T10:00:00Z","datacontenttype":"application/json","data":{"summary":"webhook delivery failed"}}';

/** The EXROUTE_* delivery settings that point `route --send` at `emulator`. */
export function emulatorEnv(emulator: NotificationsEmulator): Record<string, string> {
  return {
    EXROUTE_NOTIFICATIONS_URL: emulator.url,
    EXROUTE_AUTH_URL: emulator.authUrl,
    EXROUTE_TENANT: emulator.tenant,
    EXROUTE_CLIENT_ID: emulator.clientId,
    EXROUTE_CLIENT_SECRET: emulator.clientSecret,
  };
}
