import http from 'node:http';
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks';

/**
 * The anchor of the webhook benchmark: a bare `@octokit/webhooks` Node middleware that verifies
 * the signature and does nothing else. Prints its port as one JSON line.
 */
const secret = process.env.WEBHOOK_SECRET ?? '';
const webhooks = new Webhooks({ secret });
const server = http.createServer(createNodeMiddleware(webhooks, { path: '/api/github/webhooks' }));
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
