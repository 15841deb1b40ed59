import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type FaultPlan, type ScriptedFailure } from './faults.js';
import { handlerFor, notFound, type Exchange, type Identity, type Reply } from './handlers.js';
import { githubOpenApi, type MatchedRoute } from './openapi.js';
import { FakeGitHubState } from './state.js';

export type { FaultPlan, ScriptedFailure } from './faults.js';
export type { FakeStateSnapshot, NewIssue } from './state.js';
export { FakeGitHubState } from './state.js';

/**
 * A local stand-in for api.github.com that integration tests point real clients at. Every
 * request is checked against GitHub's OpenAPI description; anything off-spec is answered with
 * an error AND recorded in `violations`, so a test can assert the client spoke proper GitHub.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The spec route template, or null when the path is not a GitHub route. */
  route: string | null;
  operationId: string | null;
  body: unknown;
  authorization: string | null;
  status: number;
  /** Set when the answer was an injected failure. */
  fault: string | null;
}

export interface FakeGitHubOptions {
  host?: string;
  port?: number;
  faults?: FaultPlan;
  /** Comments made with an installation token are authored by `<appSlug>[bot]`. */
  appSlug?: string;
  /** Login a personal access token acts as. */
  userLogin?: string;
  /** Where html_url links point. */
  htmlUrl?: string;
  /** Also check the fake's own answers against the spec's response schemas. */
  checkResponses?: boolean;
  /** Oldest requests are forgotten beyond this (long soak runs). Default 10 000. */
  maxRecordedRequests?: number;
  onRequest?: (request: RecordedRequest) => void;
}

export interface FakeGitHub {
  url: string;
  state: FakeGitHubState;
  requests: RecordedRequest[];
  violations: string[];
  setFaults(plan: FaultPlan): void;
  failNext(...failures: ScriptedFailure[]): void;
  /** Called after each answer is sent, e.g. to kill a worker right after its comment landed. */
  onRequest: ((request: RecordedRequest) => void) | undefined;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 5 * 1024 * 1024;

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error('request body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function decodeJwtIssuer(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    const issuer = Number(payload.iss);
    return Number.isFinite(issuer) ? issuer : null;
  } catch {
    return null;
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const api = githubOpenApi();
  const state = new FakeGitHubState();
  const faults = new FaultInjector();
  if (options.faults) faults.set(options.faults);
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const maxRecorded = options.maxRecordedRequests ?? 10_000;
  const appSlug = options.appSlug ?? 'supportbot';
  const userLogin = options.userLogin ?? 'octocat';
  let baseUrl = '';

  function identify(authorization: string | undefined): Identity | Reply {
    if (!authorization) return { kind: 'anonymous' };
    const [scheme, credential = ''] = authorization.split(/\s+/, 2);
    const appId = decodeJwtIssuer(credential);
    if (scheme?.toLowerCase() === 'bearer' && appId !== null) return { kind: 'app', appId };
    const installationId = state.installationTokens.get(credential);
    if (installationId !== undefined) return { kind: 'installation', installationId, token: credential };
    if (credential.startsWith('ghs_') || credential === '') return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    return { kind: 'user', login: userLogin };
  }

  function controlRoute(method: string, path: string, body: unknown): Reply {
    const input = (body ?? {}) as Record<string, unknown>;
    if (method === 'GET' && path === '/__fake/state') return { status: 200, body: state.snapshot() };
    if (method === 'GET' && path === '/__fake/violations') return { status: 200, body: violations };
    if (method === 'POST' && path === '/__fake/faults') {
      faults.set(input as FaultPlan);
      return { status: 200, body: faults.current() };
    }
    if (method === 'POST' && path === '/__fake/repos') {
      const repo = state.addRepo(String(input.owner), String(input.name), input as { private?: boolean; installationId?: number });
      return { status: 201, body: { owner: repo.owner, name: repo.name, installationId: repo.installationId } };
    }
    if (method === 'POST' && path === '/__fake/issues') {
      const issue = state.addIssue(String(input.owner), String(input.name), input as unknown as Parameters<FakeGitHubState['addIssue']>[2]);
      return { status: 201, body: { number: issue.number } };
    }
    if (method === 'POST' && path === '/__fake/files') {
      state.setFile(String(input.owner), String(input.name), String(input.path), input.text === null ? null : String(input.text));
      return { status: 204 };
    }
    return notFound('No such control route');
  }

  function violation(record: RecordedRequest, problem: string): void {
    violations.push(`${record.method} ${record.path}: ${problem}`);
  }

  function answer(request: http.IncomingMessage, rawBody: string): { record: RecordedRequest; reply: Reply } {
    const url = new URL(request.url ?? '/', baseUrl);
    const method = (request.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      route: null,
      operationId: null,
      body: undefined,
      authorization: request.headers.authorization ?? null,
      status: 0,
      fault: null,
    };
    if (rawBody.trim() !== '') {
      try {
        record.body = JSON.parse(rawBody);
      } catch {
        violation(record, 'body is not JSON');
        return { record, reply: { status: 400, body: { message: 'Problems parsing JSON' } } };
      }
    }
    if (url.pathname.startsWith('/__fake/')) return { record, reply: controlRoute(method, url.pathname, record.body) };

    const match = api.match(method, url.pathname);
    if (match.kind !== 'matched') {
      const problem = match.kind === 'unknown-path' ? 'not a GitHub REST API path' : `${method} is not defined for ${match.template}`;
      violation(record, problem);
      return { record, reply: notFound(problem) };
    }
    const route: MatchedRoute = match.route;
    record.route = route.template;
    record.operationId = route.operationId;
    const problems = [...api.checkParameters(route, url.searchParams), ...api.checkBody(route, record.body)];
    if (record.body !== undefined && !/application\/json/i.test(request.headers['content-type'] ?? '')) problems.push('JSON body sent without a JSON content-type');
    if (problems.length > 0) {
      for (const problem of problems) violation(record, problem);
      return { record, reply: { status: 400, body: { message: `Invalid request.\n\n${problems.join('\n')}` } } };
    }

    const fault = faults.next(method, url.pathname, route.template);
    if (fault) {
      record.fault = fault.kind;
      return { record, reply: fault };
    }

    const identity = identify(request.headers.authorization);
    if ('status' in identity) return { record, reply: identity };
    const handler = handlerFor(route.operationId);
    if (!handler) {
      violation(record, `the fake does not implement ${route.operationId} (${route.method} ${route.template})`);
      return { record, reply: { status: 501, body: { message: `fake GitHub does not implement ${route.operationId}` } } };
    }
    const exchange: Exchange = { route, query: url.searchParams, body: record.body, identity, selfUrl: `${baseUrl}${url.pathname}` };
    const reply = handler({ state, render: { apiUrl: baseUrl, htmlUrl: options.htmlUrl ?? 'https://github.com' }, appSlug }, exchange);
    if (options.checkResponses) {
      for (const problem of api.checkResponse(route, reply.status, reply.body)) violation(record, `fake answered off-spec: ${problem}`);
    }
    return { record, reply };
  }

  const server = http.createServer((request, response) => {
    readBody(request)
      .then((rawBody) => {
        const { record, reply } = answer(request, rawBody);
        record.status = reply.status;
        const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
        response.writeHead(reply.status, {
          ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          'x-github-request-id': `FAKE:${requests.length + 1}`,
          'x-ratelimit-limit': '5000',
          'x-ratelimit-remaining': '4999',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
          'x-ratelimit-resource': 'core',
          ...reply.headers,
        });
        response.end(payload);
        requests.push(record);
        if (requests.length > maxRecorded) requests.splice(0, requests.length - maxRecorded);
        handle.onRequest?.(record);
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify({ message: `fake GitHub failed: ${error instanceof Error ? error.message : String(error)}` }));
      });
  });
  // Clients keep connections alive; close() must not wait for them to time out.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

  const handle: FakeGitHub = {
    url: baseUrl,
    state,
    requests,
    violations,
    setFaults: (plan) => faults.set(plan),
    failNext: (...failures) => faults.failNext(...failures),
    onRequest: options.onRequest,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return handle;
}
