import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseIssueEventJob, routeDelivery } from '../../src/triage/events.js';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: Array<Record<string, unknown>> }>;
const issuesExamples = examples.find((group) => group.name === 'issues')!.examples;
const example = (action: string) => structuredClone(issuesExamples.find((payload) => payload.action === action)!);

describe('routeDelivery', () => {
  it('turns GitHub’s own issues.opened example into a job with only what the worker needs', () => {
    const result = routeDelivery('issues', example('opened'), 'd-1', '2026-01-01T00:00:00.000Z');
    expect(result.kind).toBe('enqueue');
    if (result.kind !== 'enqueue') return;
    expect(result.job).toMatchObject({ deliveryId: 'd-1', action: 'opened', repo: { fullName: 'Codertocat/Hello-World', private: false }, issue: { number: 1 } });
    expect(parseIssueEventJob(JSON.parse(JSON.stringify(result.job)))).toEqual(result.job);
  });

  it('enqueues issues.closed (GitHub ships no example of it: built from opened)', () => {
    const payload: Record<string, unknown> = { ...example('opened'), action: 'closed' };
    (payload.issue as Record<string, unknown>).state = 'closed';
    expect(routeDelivery('issues', payload, 'd', 'now')).toMatchObject({ kind: 'enqueue', job: { action: 'closed', issue: { state: 'closed' } } });
  });

  it.each(['edited', 'reopened', 'labeled', 'unlabeled', 'deleted', 'transferred'])('enqueues issues.%s', (action) => {
    expect(routeDelivery('issues', example(action), 'd', 'now').kind).toBe('enqueue');
  });

  it.each(['assigned', 'locked', 'pinned', 'milestoned'])('acknowledges and ignores issues.%s', (action) => {
    expect(routeDelivery('issues', example(action), 'd', 'now')).toMatchObject({ kind: 'ignore', reason: `issues.${action} is not handled` });
  });

  it('ignores events caused by bots, including the bot itself', () => {
    const payload = example('opened');
    (payload.sender as { type: string }).type = 'Bot';
    expect(routeDelivery('issues', payload, 'd', 'now')).toMatchObject({ kind: 'ignore', reason: expect.stringContaining('bots') });
  });

  it('ignores pull requests and other events', () => {
    const payload = example('opened');
    (payload.issue as Record<string, unknown>).pull_request = { url: 'https://api.github.com/x' };
    expect(routeDelivery('issues', payload, 'd', 'now')).toMatchObject({ kind: 'ignore', reason: 'pull requests are not triaged' });
    expect(routeDelivery('star', { action: 'created' }, 'd', 'now')).toMatchObject({ kind: 'ignore', reason: 'event "star" is not handled' });
  });

  it('ignores an issues payload that lacks the fields it needs', () => {
    expect(routeDelivery('issues', { action: 'opened' }, 'd', 'now')).toMatchObject({ kind: 'ignore' });
    expect(parseIssueEventJob({ nope: true })).toBeNull();
  });
});
