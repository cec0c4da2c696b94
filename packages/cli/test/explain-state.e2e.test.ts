import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runExroute } from './run-exroute.js';

// `exroute explain --state` on the default rules: the dispatch view of one event.

const RULES = fileURLToPath(new URL('../../../rules', import.meta.url));
const AT = '2026-11-30T10:00:00Z';

interface StateOutput {
  dispatch: {
    notifications: {
      template: string;
      verdict: { kind: string };
      policy?: { name: string; groupBy?: Record<string, string> };
      mutableBy: { inhibitId: string; equal: Record<string, string> }[];
      escalations: { name: string; steps: { step: number; at: string }[] }[];
    }[];
    mutes: { inhibitId: string; until: string }[];
  };
}

async function explainState(event: object): Promise<StateOutput> {
  const result = await runExroute(
    ['explain', '--rules', RULES, '--at', AT, '--state', '--format', 'json', '-'],
    { cwd: process.cwd(), input: JSON.stringify(event) },
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as StateOutput;
}

const base = { source: 'exstream/acme-prod', time: AT, data: {} };

describe('exroute explain --state', () => {
  it('shows the group a delivery failure joins and what could mute it', async () => {
    const { dispatch } = await explainState({
      ...base,
      id: 'ev-1',
      type: 'delivery.failed',
      channel: 'email',
      region: 'UK',
      correlationId: 'stmt-run-1',
    });
    const digest = dispatch.notifications.find((n) => n.template === 'delivery-failed-digest');
    expect(digest?.verdict.kind).toBe('grouped');
    expect(digest?.policy).toEqual({
      name: 'delivery-failures-per-batch',
      groupBy: { correlationId: 'stmt-run-1', region: 'UK' },
    });
    expect(digest?.mutableBy).toEqual([
      {
        inhibitId: 'failed-batch-mutes-its-deliveries',
        source: { type: 'batch.failed' },
        equal: { correlationId: 'stmt-run-1' },
      },
    ]);
  }, 60_000);

  it('shows when each escalation step of a legal review fires', async () => {
    const { dispatch } = await explainState({
      ...base,
      id: 'ev-2',
      type: 'content.review_requested',
      region: 'UK',
      documentType: 'legal-correspondence',
    });
    expect(dispatch.notifications[0]?.escalations).toEqual([
      {
        name: 'legal-review-overdue',
        steps: [
          expect.objectContaining({ step: 1, at: '2026-12-02T17:30:00.000Z' }),
          expect.objectContaining({ step: 2, at: '2026-12-04T17:30:00.000Z' }),
        ],
      },
    ]);
  }, 60_000);

  it('shows what a failed batch mutes, and until when', async () => {
    const { dispatch } = await explainState({
      ...base,
      id: 'ev-3',
      type: 'batch.failed',
      correlationId: 'stmt-run-1',
    });
    expect(dispatch.mutes).toEqual([
      expect.objectContaining({
        inhibitId: 'failed-batch-mutes-its-deliveries',
        until: '2026-11-30T16:00:00.000Z',
      }),
    ]);
  }, 60_000);
});
