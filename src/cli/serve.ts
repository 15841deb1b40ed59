import { Command, Option } from 'commander';
import { main } from '../main.js';
import type { ServiceRole } from '../service.js';

/** `supportbot serve`: the service, as web (receive and enqueue), worker (process jobs) or both. */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run the service (configuration from environment variables; see README)')
    .addOption(new Option('--role <role>', 'web: receive and enqueue only; worker: process jobs only; all: both').choices(['web', 'worker', 'all']).default('all'))
    .action(async (options: { role: ServiceRole }) => {
      await main(options.role);
    });
}
