// The exroute service embedded in your own Node.js program, in a few lines. For most teams the
// command is enough — `exroute serve --config exroute.service.yaml` (docs/service.md) — use
// createService when you want to add your own endpoints, or to start it from a test.
//
//   node examples/webhook-service/server.mjs            # no Redis: in-process queue + emulator
//   curl -s localhost:8080/readyz
//   curl -s -XPOST localhost:8080/v1/events -H 'content-type: application/json' \
//        --data-binary @<(head -1 examples/data/sample-events.jsonl)
//
// Settings (environment): PORT (default 8080; 0 picks a free one), REDIS_URL (unset: embedded).

import { fileURLToPath } from 'node:url';
import { createService, resolveServiceConfig } from '@exroute/service';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const config = resolveServiceConfig(
  {
    apiVersion: 'exroute/service/v1',
    rules: [
      'rules/regions-and-calendars.yaml',
      'rules/directory',
      'rules/operations',
      'rules/compliance',
      'rules/customer-communications',
    ],
    mapping: 'examples/data/exstream-mapping.yaml',
    http: { listen: `127.0.0.1:${process.env.PORT ?? '8080'}` },
    ...(process.env.REDIS_URL ? { redis: { url: process.env.REDIS_URL, prefix: 'example' } } : {}),
    notifications: { emulator: true },
  },
  { baseDir: repo },
);

const service = await createService(config);
process.on('SIGHUP', () => void service.reload());
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => void service.stop().then(() => process.exit(0)));
}
