/**
 * `pnpm bench`: builds, then runs every package's benchmark in one process so each ratio is
 * measured against baselines of the same run. `--quick` is a fast smoke run (small sizes,
 * short budgets); its numbers are not the documented ones.
 */
import { runCoreBench } from './core.js';
import { runNotificationsBench } from './notifications.js';
import { runExstreamBench } from './exstream.js';
import { runHostileBench } from './hostile.js';
import { runDispatchBench } from './dispatch.js';
import { runRedisStoreBench } from './dispatch-redis.js';
import { runServiceBench } from './service.js';

const quick = process.argv.includes('--quick');
/** `--core`: the router benchmark alone (to repeat it on a noisy machine). */
const coreOnly = process.argv.includes('--core');

await runCoreBench(
  quick
    ? { sizes: [10, 100, 1_000], pinnedSizes: [1_000], budgetMs: 300, referenceBudgetMs: 300 }
    : {},
);
if (!coreOnly) {
  await runNotificationsBench(quick ? { requests: 300, concurrency: [1, 8] } : {});
  await runExstreamBench(quick ? { lines: 5_000, runs: 1 } : {});
  runHostileBench(quick ? { scale: 0.1 } : {});
  await runDispatchBench(
    quick ? { budgetMs: 300, groups: 100, openGroups: 5_000, pool: 20_000 } : {},
  );
  await runRedisStoreBench(quick ? { events: 3_000, concurrency: [1, 64], openGroups: 5_000 } : {});
  await runServiceBench(quick ? { events: 2_000, batch: 200, steadySeconds: 8 } : {});
}
