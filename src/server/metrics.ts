import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue } from '../queue/job-queue.js';

/** Prometheus metrics of one process. Created by the composition root, never module-global. */
export interface Metrics {
  registry: Registry;
  deliveries: Counter<'outcome'>;
  jobs: Counter<'outcome'>;
  jobDuration: Histogram<'outcome'>;
  deliveryToReply: Histogram;
  githubCalls: Counter<'method' | 'route' | 'status'>;
  githubCallDuration: Histogram<'method'>;
  classification: Histogram;
  rateLimitWaits: Counter;
  rateLimitWaitSeconds: Counter;
}

export function createMetrics(queue: JobQueue | null): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'supportbot_process_' });
  const metrics: Metrics = {
    registry,
    deliveries: new Counter({ name: 'supportbot_webhook_deliveries_total', help: 'Webhook deliveries by outcome', labelNames: ['outcome'], registers: [registry] }),
    jobs: new Counter({ name: 'supportbot_jobs_total', help: 'Jobs handled by outcome', labelNames: ['outcome'], registers: [registry] }),
    jobDuration: new Histogram({ name: 'supportbot_job_duration_seconds', help: 'Time a worker spent on one job', labelNames: ['outcome'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry] }),
    deliveryToReply: new Histogram({ name: 'supportbot_delivery_to_decision_seconds', help: 'From webhook delivery to the decision applied on GitHub', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300], registers: [registry] }),
    githubCalls: new Counter({ name: 'supportbot_github_requests_total', help: 'GitHub API requests by status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    githubCallDuration: new Histogram({ name: 'supportbot_github_request_duration_seconds', help: 'GitHub API request latency', labelNames: ['method'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    classification: new Histogram({ name: 'supportbot_classification_duration_seconds', help: 'Classification, resource and similar-issue matching per issue', buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05], registers: [registry] }),
    rateLimitWaits: new Counter({ name: 'supportbot_github_rate_limit_waits_total', help: 'Times a GitHub call waited for a rate limit', registers: [registry] }),
    rateLimitWaitSeconds: new Counter({ name: 'supportbot_github_rate_limit_wait_seconds_total', help: 'Seconds spent waiting for GitHub rate limits', registers: [registry] }),
  };
  if (queue) {
    new Gauge({
      name: 'supportbot_queue_jobs',
      help: 'Jobs in the durable queue by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const depth = await queue.depth();
        this.set({ state: 'queued' }, depth.queued);
        this.set({ state: 'running' }, depth.running);
        this.set({ state: 'failed' }, depth.failed);
      },
    });
  }
  return metrics;
}

export function metricsRoute(metrics: Metrics) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  };
}

/**
 * A worker process has no web server: with METRICS_PORT it serves its own metrics (job latency,
 * GitHub calls, classification time live there) and a health check, nothing else.
 */
export async function startMetricsServer(metrics: Metrics, port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    } else if (request.method === 'GET' && request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://${host}:${bound}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
