import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away directory of real files for one test. */
export class TempProject {
  readonly root = mkdtempSync(join(tmpdir(), 'exroute-testing-'));

  write(relative: string, text: string): string {
    const path = join(this.root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  path(relative: string): string {
    return join(this.root, relative);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A small but complete rule set: groups, two channels, a stop rule and an effective window. */
export const RULES_YAML = `apiVersion: exroute/v1
recipients:
  legal-reviewers: { members: [alice, bob] }
  alice: { email: alice@example.com }
  bob: { email: bob@example.com, sms: "+447700900001" }
  marketing: { email: marketing@example.com }
templates:
  review:
    id: EXS-REVIEW
    channels: [email]
    subject: "Review {{ documentType }}"
  alert:
    id: EXS-ALERT
    channels: [email, sms]
rules:
  - id: legal-review
    description: Legal letters need review
    when: { type: content.review_requested, documentType: legal-correspondence }
    notify:
      - { to: [legal-reviewers], template: review, severity: high }
  - id: marketing-news
    description: Newsletters go to marketing
    when: { type: communication.generated, documentType: newsletter }
    notify:
      - { to: [marketing], template: review }
  - id: new-regulation
    description: Applies from 2027 only
    effective: { from: "2027-01-01" }
    when: { type: content.review_requested }
    notify:
      - { to: [bob], template: alert }
`;
