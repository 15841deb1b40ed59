import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * The dashboard's stylesheet, its one script and Chart.js, served by the service itself: the
 * Content-Security-Policy allows scripts from here only, and nothing is fetched from other hosts.
 */
function chartJsFile(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

const contentTypes: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export function registerAssets(scope: FastifyInstance, templatesDir: string): void {
  const files = new Map<string, string>([
    ['dashboard.css', path.join(templatesDir, 'pages', 'assets', 'dashboard.css')],
    ['dashboard.js', path.join(templatesDir, 'pages', 'assets', 'dashboard.js')],
    ['chart.umd.js', chartJsFile()],
  ]);
  const contents = new Map([...files].map(([name, file]) => [name, fs.readFileSync(file)]));
  scope.get('/assets/:name', async (request, reply) => {
    const name = (request.params as { name: string }).name;
    const content = contents.get(name);
    if (!content) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.header('cache-control', 'public, max-age=3600').type(contentTypes[path.extname(name)] ?? 'application/octet-stream').send(content);
  });
}
