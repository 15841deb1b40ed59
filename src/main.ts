import { ConfigError, readEnv } from './config/env.js';
import { startService, type ServiceRole } from './service.js';

/** Starts the service from the environment; SIGTERM and SIGINT drain and exit. */
export async function main(role: ServiceRole = 'all'): Promise<void> {
  let config;
  try {
    config = readEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`supportbot: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const service = await startService(config, { role });
  const shutdown = (signal: string) => {
    service.logger.info({ signal }, 'shutting down: no new deliveries or jobs, finishing running jobs');
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        service.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

const invokedDirectly = import.meta.url === `file://${process.argv[1]}`;
if (invokedDirectly) await main();
