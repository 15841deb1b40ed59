import { Webhooks } from '@octokit/webhooks';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import type { JobQueue } from '../queue/job-queue.js';
import type { Store } from '../store/store.js';
import { repoConfigChangedKey } from '../config/repo-settings-cache.js';
import { routeDelivery } from '../triage/events.js';
import { DeliveryIntake } from './delivery-intake.js';

export const webhookPath = '/api/github/webhooks';
/** GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub. */
export const maxWebhookBytes = 25 * 1024 * 1024;

export interface WebhookRouteDeps {
  /** Null only in dry-run without a secret: deliveries are then accepted unsigned. */
  webhookSecret: string | null;
  store: Store;
  queue: JobQueue;
  logger: Logger;
  now(): Date;
  onDelivery?(outcome: DeliveryOutcome): void;
}

export type DeliveryOutcome = 'queued' | 'ignored' | 'duplicate' | 'rejected';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The webhook route: a flat run of checks, each with its own status and a one-line reason, then
 * enqueue (deduplicated by delivery id, written in groups by `DeliveryIntake`) and 202. No
 * classification or GitHub call happens here: GitHub gives a webhook ten seconds and does not retry.
 */
export async function registerWebhookRoute(app: FastifyInstance, deps: WebhookRouteDeps): Promise<void> {
  const webhooks = deps.webhookSecret ? new Webhooks({ secret: deps.webhookSecret }) : null;
  const intake = new DeliveryIntake(deps.store, deps.queue);

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: maxWebhookBytes }, (_request, body, done) => done(null, body));

    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const deliveryId = header(request, 'x-github-delivery') ?? null;
      const [status, reason] =
        error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? [413, 'payload is larger than 25 MB']
        : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? [415, 'content-type must be application/json']
        : error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ? [400, 'content-length does not match the body']
        : [500, 'internal error'];
      if (status === 500) deps.logger.error({ err: error, deliveryId }, 'webhook route failed');
      return reject(reply, status, reason, deliveryId);
    });

    const reject = (reply: FastifyReply, status: number, reason: string, deliveryId: string | null) => {
      deps.logger.warn({ deliveryId, status, reason }, 'webhook delivery rejected');
      deps.onDelivery?.('rejected');
      return reply.code(status).send({ error: reason });
    };

    scope.post(webhookPath, async (request, reply) => {
      const deliveryId = header(request, 'x-github-delivery');
      const event = header(request, 'x-github-event');
      const signature = header(request, 'x-hub-signature-256');
      if (!deliveryId) return reject(reply, 400, 'missing x-github-delivery header', null);
      if (!event) return reject(reply, 400, 'missing x-github-event header', deliveryId);
      const rawBody = typeof request.body === 'string' ? request.body : '';
      if (webhooks) {
        if (!signature) return reject(reply, 401, 'missing x-hub-signature-256 header', deliveryId);
        let valid = false;
        try {
          valid = await webhooks.verify(rawBody, signature);
        } catch {
          valid = false;
        }
        if (!valid) return reject(reply, 401, 'signature does not match the payload', deliveryId);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(rawBody);
      } catch {
        return reject(reply, 422, 'body is not valid JSON', deliveryId);
      }
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        return reject(reply, 422, 'body must be a JSON object', deliveryId);
      }

      if (event === 'ping') {
        deps.onDelivery?.('ignored');
        return reply.code(200).send({ status: 'pong' });
      }
      const receivedAt = deps.now().toISOString();
      const route = routeDelivery(event, payload, deliveryId, receivedAt);
      const action = typeof (payload as { action?: unknown }).action === 'string' ? ((payload as { action: string }).action) : null;
      const duplicate = () => {
        deps.logger.info({ deliveryId, event }, 'redelivery ignored: this delivery was already received');
        deps.onDelivery?.('duplicate');
        return reply.code(202).send({ status: 'duplicate' });
      };
      if (route.kind === 'config-changed') {
        await deps.store.setSetting(repoConfigChangedKey(route.repo), receivedAt);
        const fresh = await intake.accept({ deliveryId, event, action, repo: route.repo, issueNumber: null, receivedAt, status: 'ignored', reason: 'repository config changed' }, null);
        if (!fresh) return duplicate();
        deps.logger.info({ deliveryId, repo: route.repo }, 'repository config changed: every worker re-reads it on its next job');
        deps.onDelivery?.('ignored');
        return reply.code(202).send({ status: 'config-changed' });
      }
      if (route.kind === 'ignore') {
        const fresh = await intake.accept({ deliveryId, event, action, repo: route.repo, issueNumber: route.issueNumber, receivedAt, status: 'ignored', reason: route.reason }, null);
        if (!fresh) return duplicate();
        deps.logger.info({ deliveryId, event, action, reason: route.reason }, 'delivery acknowledged and ignored');
        deps.onDelivery?.('ignored');
        return reply.code(202).send({ status: 'ignored', reason: route.reason });
      }

      const { job } = route;
      const fresh = await intake.accept(
        { deliveryId, event, action, repo: job.repo.fullName, issueNumber: job.issue.number, receivedAt, status: 'queued', reason: null },
        { id: deliveryId, name: `issues.${job.action}`, payload: job },
      );
      if (!fresh) return duplicate();
      deps.logger.info({ deliveryId, event, action, repo: job.repo.fullName, issue: job.issue.number }, 'delivery queued');
      deps.onDelivery?.('queued');
      return reply.code(202).send({ status: 'queued' });
    });
  });
}
