import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';
import { registerWebhookRoute, type DeliveryOutcome } from './webhook-route.js';

export interface AppDeps {
  webhookSecret: string | null;
  store: Store;
  queue: JobQueue;
  logger: Logger;
  now(): Date;
  /** True once the knowledge base and its model are loaded. */
  modelLoaded(): boolean;
  onDelivery?(outcome: DeliveryOutcome): void;
  /** Further routes (dashboard, metrics) added by the composition root. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

/** Builds the HTTP app without listening: tests inject requests or listen on port 0. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Each delivery logs one line of its own; per-request access logs would double the volume.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: true,
    return503OnClosing: true,
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const storeOpen = await deps.store.ping().catch(() => false);
    const modelLoaded = deps.modelLoaded();
    const ready = storeOpen && modelLoaded;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', storeOpen, modelLoaded });
  });

  await registerWebhookRoute(app, deps);
  for (const plugin of deps.plugins ?? []) await plugin(app);
  return app;
}
