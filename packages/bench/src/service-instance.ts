/**
 * One `@exroute/service` instance of the service benchmark in its own process (started with
 * `fork`), so each instance's CPU and peak RSS are its own, as in production. Protocol over IPC:
 * the parent sends `{ type: 'start', config, instance, startWorkers }` and gets `{ type: 'ready',
 * url }`; `{ type: 'status' }` answers the events and outgoing stream status; `{ type: 'stop' }`
 * stops the service and answers `{ type: 'stopped', maxRssBytes, cpuMicros }` before exiting.
 */
import { createService } from '@exroute/service';
import type { Service, ServiceConfig } from '@exroute/service';

/** A message from the benchmark to an instance. */
export type InstanceRequest =
  | { type: 'start'; config: ServiceConfig; instance: string; startWorkers: boolean }
  | { type: 'status' }
  | { type: 'stop' };

/** A message from an instance to the benchmark. */
export type InstanceReply =
  | { type: 'ready'; url: string }
  | {
      type: 'status';
      events: { lag: number | undefined; pending: number };
      outgoing: { lag: number | undefined; pending: number };
    }
  | { type: 'stopped'; maxRssBytes: number; cpuMicros: number }
  | { type: 'failed'; message: string };

let service: Service | undefined;
/** CPU time at the start of `createService`: the figure reported covers the service only. */
let cpuBase: NodeJS.CpuUsage | undefined;
const reply = (message: InstanceReply): void => {
  process.send?.(message);
};

process.on('message', (message: InstanceRequest) => {
  void handle(message).catch((error: unknown) => {
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  });
});
// The benchmark gone (killed, crashed): nothing else would stop this process.
process.on('disconnect', () => process.exit(0));

async function handle(message: InstanceRequest): Promise<void> {
  switch (message.type) {
    case 'start': {
      const cpuAtStart = process.cpuUsage();
      service = await createService(message.config, {
        instance: message.instance,
        startWorkers: message.startWorkers,
      });
      cpuBase = cpuAtStart;
      reply({ type: 'ready', url: service.url });
      return;
    }
    case 'status': {
      const queue = service!.queue;
      const [events, outgoing] = await Promise.all([
        queue.status('events'),
        queue.status('outgoing'),
      ]);
      reply({
        type: 'status',
        events: { lag: events.lag, pending: events.pending },
        outgoing: { lag: outgoing.lag, pending: outgoing.pending },
      });
      return;
    }
    case 'stop': {
      await service?.stop();
      const cpu = process.cpuUsage(cpuBase);
      reply({
        type: 'stopped',
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        cpuMicros: cpu.user + cpu.system,
      });
      process.disconnect();
      return;
    }
  }
}
