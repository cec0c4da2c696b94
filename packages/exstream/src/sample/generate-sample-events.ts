import { SeededRandom } from './seeded-random.js';

/** Options of `generateSampleEvents`. */
export interface SampleOptions {
  /** Same seed, same events. */
  seed: number;
  count: number;
  /** Time of the first event; later events follow a few seconds apart. Default 2026-03-02T07:00:00Z. */
  start?: string;
}

/** The kinds of raw event the generator produces, in the proportions of `SAMPLE_MIX`. */
export type SampleFlow =
  | 'communication-generated'
  | 'delivery-completed'
  | 'delivery-failed'
  | 'job-stage'
  | 'batch-finished'
  | 'review-requested'
  | 'content-updated'
  | 'asset-lifecycle'
  | 'service-alert';

/**
 * Share of each flow in a generated sample: mostly tracking events, a few percent delivery
 * failures, rare review and template events. `communication-generated` takes the remainder.
 */
export const SAMPLE_MIX: Readonly<Record<Exclude<SampleFlow, 'communication-generated'>, number>> =
  {
    'delivery-completed': 0.4,
    'delivery-failed': 0.03,
    'job-stage': 0.06,
    'batch-finished': 0.03,
    'review-requested': 0.008,
    'content-updated': 0.008,
    'asset-lifecycle': 0.004,
    'service-alert': 0.015,
  };

/** The production and sandbox Exstream tenants of the sample (ids as Exstream shows them). */
export const SAMPLE_TENANTS = {
  production: '7d3f2a10-5c1e-4b8e-9f44-2a6b1c9e0d31',
  sandbox: 'c0ffee00-1d2e-4f3a-8b5c-6d7e8f9a0b1c',
} as const;

const DOMAINS = [
  'uk-retail',
  'uk-retail',
  'uk-retail',
  'ie-retail',
  'de-insurance',
  'de-insurance',
  'at-insurance',
  'fr-retail',
  'us-billing',
  'us-billing',
  'ca-billing',
  'jp-insurance',
  'sg-retail',
] as const;

// Communication id prefixes and their share among generated letters; the sample mapping file
// turns each prefix into a documentType.
const COMMUNICATIONS: readonly (readonly [string, number])[] = [
  ['COMM-INVOICE', 30],
  ['COMM-STATEMENT', 20],
  ['COMM-BILLING', 12],
  ['COMM-WELCOME', 8],
  ['COMM-POLICY-DOC', 8],
  ['COMM-POLICY-CHANGE', 6],
  ['COMM-OVERDUE', 8],
  ['COMM-CANCEL', 3],
  ['COMM-LAPSE', 3],
  ['COMM-INTERRUPT', 2],
  ['COMM-REG', 3],
  ['COMM-LEGAL', 2],
];

// Flow 4's letters: a sample of 100 events or more generates each of them at least once.
const HIGH_PRIORITY_LETTERS = ['COMM-CANCEL', 'COMM-OVERDUE', 'COMM-LAPSE', 'COMM-INTERRUPT'];

// How finished batches end, in turn: 14 completed, 3 with errors, 2 failed, 1 canceled in every
// 20, a failure second, so that even a 200-event sample (six finished batches) shows one.
const BATCH_OUTCOMES = [
  'Completed',
  'Failed',
  'Completed',
  'CompletedWithErrors',
  'Completed',
  'Completed',
  'Canceled',
  'Completed',
  'Completed',
  'CompletedWithErrors',
  'Completed',
  'Completed',
  'Failed',
  'Completed',
  'Completed',
  'CompletedWithErrors',
  'Completed',
  'Completed',
  'Completed',
  'Completed',
] as const;

const DELIVERY_CHANNELS = [
  ['Email-Submit', 'email'],
  ['Email-Submit', 'email'],
  ['Email-Submit', 'email'],
  ['Email-POST', 'email'],
  ['Email-OPEN', 'email'],
  ['PrintOutputChannel', 'print'],
  ['PrintOutputChannel', 'print'],
  ['SMSChannel', 'sms'],
  ['WebPortalChannel', 'web'],
  ['ArchiveOutputChannel', 'archive'],
] as const;

const FAILURES = [
  'Email-NDLV',
  'Email-NDLV',
  'Email-NDLV',
  'SMSChannel-Failed',
  'PrintOutputChannel-Failed',
] as const;

const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Mia',
  'Lukas',
  'Sofia',
  'Hiroshi',
  'Chloe',
  'Aoife',
  'Jonas',
  'Grace',
];
const LAST_NAMES = [
  'Smith',
  'Murphy',
  'Müller',
  'Schneider',
  'Dubois',
  'Johnson',
  'Tanaka',
  'Tan',
  'Brown',
  'Walsh',
];

const DESIGN_ASSETS = [
  { name: 'Policy Change Letter', type: 'exstrapplication' },
  { name: 'Overdue Payment Reminder', type: 'exstrapplication' },
  { name: 'Cancellation Notice', type: 'exstrapplication' },
  { name: 'Regulatory Disclosure Clause', type: 'exstrparagraph' },
  { name: 'GDPR Privacy Clause', type: 'exstrparagraph' },
  { name: 'Complaints Procedure Section', type: 'exstrparagraphsection' },
  { name: 'Late Fee Message', type: 'exstrtextmessage' },
  { name: 'Brand Footer Component', type: 'exstrcomponentobj' },
  { name: 'Signature Block Component', type: 'exstrcomponentobj' },
] as const;

const AUTHORS = ['a.khan', 'j.weber', 'm.oconnor', 's.lee', 'r.martin'];

const JOB_STAGES = [
  'Queued',
  'Queued',
  'OutputGenerated',
  'OutputGenerated',
  'PrintFileReleased',
] as const;

const OUTPUT_QUEUES = [
  'PrintQueue',
  'PrintQueue',
  'EmailQueue',
  'ArchiveQueue',
  'WebPortalQueue',
] as const;

const SERVICE_ALERTS = [
  {
    type: 'com.opentext.notifications.webhook.delivery_failed',
    source: '/opentext/notifications/eu',
    severity: 'ERROR',
    n: 17,
  },
  {
    type: 'com.opentext.otds.token.expiring',
    source: '/opentext/otds/acme',
    severity: 'WARN',
    n: 13,
  },
  {
    type: 'com.opentext.exstream.engine.pod_restarted',
    source: '/opentext/exstream/acme-prod/engine',
    severity: 'ERROR',
    n: 17,
  },
  {
    type: 'com.opentext.exstream.orchestration.queue_backlog',
    source: '/opentext/exstream/acme-prod/orchestration',
    severity: 'FATAL',
    n: 21,
  },
  {
    type: 'com.opentext.archive.ingest.slow',
    source: '/opentext/infoarchive/acme',
    severity: 'INFO',
    n: 9,
  },
] as const;

/**
 * Realistic raw Exstream payloads for demos and benchmarks — tracking events, design-asset
 * changes, orchestration job records and CloudEvents — in `SAMPLE_MIX` proportions, shuffled,
 * with timestamps a few seconds apart. Deterministic: the same options give the same events.
 * With `count` ≥ 100 every flow appears at least once, a finished batch fails, and each of the
 * four high-priority letters (cancellation, overdue, lapse, service interruption) is generated.
 */
export function generateSampleEvents(options: SampleOptions): Record<string, unknown>[] {
  const random = new SeededRandom(options.seed);
  const flows = planFlows(options.count, random);
  let clock = Date.parse(options.start ?? '2026-03-02T07:00:00Z');
  const context = new SampleContext(random, options.count >= 100);
  return flows.map((flow) => {
    clock += random.int(200, 9000);
    return context.build(flow, new Date(clock));
  });
}

function planFlows(count: number, random: SeededRandom): SampleFlow[] {
  const flows: SampleFlow[] = [];
  const guaranteeEach = count >= 100;
  for (const [flow, share] of Object.entries(SAMPLE_MIX) as [SampleFlow, number][]) {
    const quota = Math.round(share * count);
    const n = guaranteeEach ? Math.max(1, quota) : quota;
    for (let i = 0; i < n && flows.length < count; i++) flows.push(flow);
  }
  while (flows.length < count) flows.push('communication-generated');
  return random.shuffle(flows);
}

class SampleContext {
  private sequence = 0;
  private finishedBatches = 0;
  private readonly recentJobs: string[] = [];

  private generated = 0;

  /** `showcase`: the first generated letters are the four high-priority kinds, one each. */
  constructor(
    private readonly random: SeededRandom,
    private readonly showcase: boolean,
  ) {}

  build(flow: SampleFlow, at: Date): Record<string, unknown> {
    this.sequence++;
    switch (flow) {
      case 'communication-generated':
        return this.tracking('Generated', at);
      case 'delivery-completed':
        return this.tracking(this.random.pick(DELIVERY_CHANNELS)[0], at);
      case 'delivery-failed':
        return this.tracking(this.random.pick(FAILURES), at);
      case 'job-stage':
        return this.job(this.random.pick(JOB_STAGES), at);
      case 'batch-finished':
        return this.job(BATCH_OUTCOMES[this.finishedBatches++ % BATCH_OUTCOMES.length]!, at);
      case 'review-requested':
        return this.asset('REVIEW', at);
      case 'content-updated':
        return this.asset('NEW_VERSION', at);
      case 'asset-lifecycle':
        return this.asset(this.random.next() < 0.7 ? 'APPROVED' : 'REJECTED', at);
      case 'service-alert':
        return this.cloudEvent(at);
    }
  }

  private tenant(): string {
    return this.random.next() < 0.02 ? SAMPLE_TENANTS.sandbox : SAMPLE_TENANTS.production;
  }

  private communication(generated: boolean): { id: string; prefix: string } {
    if (generated && this.showcase && this.generated < HIGH_PRIORITY_LETTERS.length) {
      const prefix = HIGH_PRIORITY_LETTERS[this.generated++]!;
      return { id: `${prefix}-${String(this.random.int(1, 40)).padStart(4, '0')}`, prefix };
    }
    const total = COMMUNICATIONS.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.random.next() * total;
    let prefix = COMMUNICATIONS[0]![0];
    for (const [candidate, weight] of COMMUNICATIONS) {
      roll -= weight;
      if (roll < 0) {
        prefix = candidate;
        break;
      }
    }
    return { id: `${prefix}-${String(this.random.int(1, 40)).padStart(4, '0')}`, prefix };
  }

  private jobId(): string {
    if (this.recentJobs.length > 0 && this.random.next() < 0.8)
      return this.random.pick(this.recentJobs);
    const id = this.random.uuid();
    this.recentJobs.push(id);
    if (this.recentJobs.length > 6) this.recentJobs.shift();
    return id;
  }

  private tracking(schemaSuffix: string, at: Date): Record<string, unknown> {
    const random = this.random;
    const domain = random.pick(DOMAINS);
    const communication = this.communication(schemaSuffix === 'Generated');
    const campaignId = `CAMP-${domain.split('-')[0]!.toUpperCase()}-2026-Q1`;
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const customerId = `CUST-${random.int(100000, 999999)}`;
    const email = `${first.toLowerCase()}.${last.toLowerCase().replace('ü', 'ue')}@example.com`;
    const jobId = this.jobId();
    const created = new Date(at.getTime() - random.int(30_000, 600_000));
    const user: Record<string, unknown> = {
      CustomerId: customerId,
      CustomerFirstname: first,
      CustomerLastname: last,
      CustomerEmail: email,
      CampaignId: campaignId,
      AccountNumber: `ACC-${random.int(10000000, 99999999)}`,
      DeliveryPreference: random.pick(['email', 'email', 'print', 'sms', 'web']),
      CustomerInRun: String(random.int(1, 5000)),
      QueueFilename: `/mnt/nfs/prod/${domain}/jobs/${jobId}/${random.uuid()}/docgen/${random.uuid()}/output/${communication.prefix}/${customerId}`,
    };
    if (communication.prefix === 'COMM-OVERDUE') {
      user.AmountDue =
        random.next() < 0.25
          ? `${random.int(10000, 40000)}.00`
          : `${random.int(80, 9999)}.${random.int(10, 99)}`;
      user.DueDate = new Date(at.getTime() + random.int(7, 21) * 86_400_000)
        .toISOString()
        .slice(0, 10);
    }
    const isEmailStatistics = schemaSuffix.startsWith('Email-') && schemaSuffix !== 'Email-Submit';
    const expctr: Record<string, unknown> = {
      schemaVersion: '1.0',
      schemaType: `Exstream-${schemaSuffix}`,
      schemaSource: `${domain}-tracking`,
      tenant: this.tenant(),
    };
    // Notifications feedback arrives without eventId / eventDate, like the documented email sample.
    if (!isEmailStatistics) {
      expctr.eventId = random.uuid();
      expctr.eventDate = at.toISOString();
    }
    const body = isEmailStatistics
      ? {
          exstreamEmailStatistics: {
            creationTime: at.toISOString(),
            emailProvider: 'OpenText Notifications',
            customerEmailId: email,
            campaignId,
            domain,
            communicationId: communication.id,
            eventType: schemaSuffix.slice('Email-'.length),
          },
        }
      : {
          exstreamJob: {
            campaignId,
            communicationId: communication.id,
            contentType: schemaSuffix.startsWith('Email') ? 'text/html' : 'application/pdf',
            creationTime: created.toISOString(),
            domain,
            status: schemaSuffix.endsWith('-Failed') ? 'failed' : 'success',
          },
        };
    return { expctr, ...body, user };
  }

  private job(status: string, at: Date): Record<string, unknown> {
    const random = this.random;
    const domain = random.pick(DOMAINS);
    const finished = !['Queued', 'OutputGenerated', 'PrintFileReleased'].includes(status);
    const startedAt = new Date(at.getTime() - random.int(60_000, 3_600_000));
    const processed = random.int(200, 48000);
    const failed =
      status === 'CompletedWithErrors'
        ? random.int(1, 250)
        : status === 'Failed'
          ? random.int(100, processed)
          : 0;
    const record: Record<string, unknown> = {
      jobId: this.jobId(),
      tenant: this.tenant(),
      domain,
      channel: random.pick(['nightly-batch-sftp', 'http-batch-input', 'billing-run-directory']),
      flowModel: random.pick([
        'monthly-statements',
        'overdue-reminders',
        'policy-documents',
        'invoices',
      ]),
      status,
      triggeredBy: random.pick(['Batch Scheduler', 'Orchestration Admin', 'Billing Integration']),
      outputQueue: status === 'PrintFileReleased' ? 'PrintQueue' : random.pick(OUTPUT_QUEUES),
    };
    if (status === 'Queued') {
      record.queuedAt = at.toISOString();
    } else {
      record.start = startedAt.toISOString();
      record.updatedAt = at.toISOString();
    }
    if (finished) {
      record.finish = at.toISOString();
      record.documentsProcessed = processed;
      record.documentsFailed = failed;
    }
    return record;
  }

  private asset(
    change: 'REVIEW' | 'NEW_VERSION' | 'APPROVED' | 'REJECTED',
    at: Date,
  ): Record<string, unknown> {
    const random = this.random;
    const asset = random.pick(DESIGN_ASSETS);
    const version = random.int(2, 14);
    const domain = random.pick(DOMAINS);
    const common = {
      id: random.uuid(),
      name: asset.name,
      type: asset.type,
      domain,
      tenant: this.tenant(),
      lastModifiedBy: random.pick(AUTHORS),
      lastModifiedDate: at.toISOString(),
      locked: false,
    };
    switch (change) {
      case 'REVIEW':
        return {
          ...common,
          version,
          state: 'REVIEW',
          previousState: 'DRAFT',
          auditedComment: 'Ready for compliance review',
        };
      case 'NEW_VERSION':
        return {
          ...common,
          version,
          previousVersion: version - 1,
          state: 'DRAFT',
          previousState: 'APPROVED',
          auditedComment: 'Updated wording after regulatory change',
        };
      case 'APPROVED':
        return {
          ...common,
          version,
          state: 'APPROVED',
          previousState: 'REVIEW',
          auditedComment: 'Approved by compliance',
        };
      case 'REJECTED':
        return {
          ...common,
          version,
          state: 'REJECTED',
          previousState: 'REVIEW',
          auditedComment: 'Disclosure wording missing',
        };
    }
  }

  private cloudEvent(at: Date): Record<string, unknown> {
    const random = this.random;
    const alert = random.pick(SERVICE_ALERTS);
    return {
      specversion: '1.0',
      id: random.uuid(),
      source: alert.source,
      type: alert.type,
      time: at.toISOString(),
      datacontenttype: 'application/json',
      severitytext: alert.severity,
      severitynumber: alert.n,
      data: {
        summary: alert.type.split('.').slice(-2).join(' ').replace(/_/g, ' '),
        sequence: this.sequence,
      },
    };
  }
}
