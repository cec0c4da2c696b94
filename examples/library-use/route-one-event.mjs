// Library use in thirty lines: normalize one raw Exstream tracking event, route it with the
// default rules, see why, and build the OpenText Notifications requests (without sending them).
import { fileURLToPath } from 'node:url';
import { createRouter, loadRuleSet } from '@exroute/core';
import { normalize } from '@exroute/exstream';
import { toNotificationRequests } from '@exroute/notifications';

const rules = [
  'regions-and-calendars.yaml',
  'directory',
  'operations',
  'compliance',
  'customer-communications',
];
const ruleSet = await loadRuleSet(
  rules.map((p) => fileURLToPath(new URL(`../../rules/${p}`, import.meta.url))),
);
const router = createRouter(ruleSet, { clock: () => new Date('2026-11-30T10:00:00Z') });

const event = normalize({
  expctr: {
    schemaType: 'Exstream-Generated',
    tenant: 'acme-prod',
    eventId: 'ev-42',
    eventDate: '2026-11-30T09:59:58Z',
  },
  exstreamJob: { communicationId: 'COMM-CANCEL-US', domain: 'us-insurance', status: 'success' },
  user: {
    CustomerId: 'C-778120',
    DocumentType: 'cancellation-notice',
    Region: 'US',
    Priority: 'high',
  },
});

const decision = router.route(event);
console.log(
  `${event.type} ${event.documentType} (${event.region}) → ${decision.matched.map((m) => m.ruleId).join(', ')}`,
);
for (const n of decision.notifications) {
  console.log(
    `  ${n.templateId} by ${n.channel} to ${n.recipients.map((r) => r.address).join(', ')}`,
  );
}

const { rules: verdicts } = router.explain(event);
console.log(
  `  ${verdicts.filter((r) => r.outcome !== 'matched').length} other rules did not match`,
);

const { requests } = toNotificationRequests(decision, event);
for (const r of requests) console.log(`  POST ${r.path}  X-MRA-SubmitId: ${r.key}`);
