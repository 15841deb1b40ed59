import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideTriage } from '../../src/triage/decide.js';
import { containsMention, escapeMarkdownInline, neutralizeMentions } from '../../src/triage/mentions.js';
import { compileReplyTemplate, hasReplyMarker, renderReply, replyMarker } from '../../src/triage/render-reply.js';
import { classification, input } from './fixtures.js';

const template = compileReplyTemplate(fs.readFileSync(path.resolve('templates/reply.md.hbs'), 'utf8'));

function actDecision(overrides: Parameters<typeof input>[0] = {}) {
  const decision = decideTriage(input(overrides));
  if (decision.kind !== 'act') throw new Error('expected act');
  return decision;
}

describe('renderReply', () => {
  it('names the topic, links each resource with a reason, and ends with the hidden marker', () => {
    const reply = renderReply(template, actDecision(), 'acme/support', 42);
    expect(reply).toContain('**Wi-Fi** question');
    expect(reply).toContain('[Joining a Wi-Fi network from an app](https://docs.example.com/wifi-guide)');
    expect(reply).toContain('[Wi-Fi FAQ](https://forums.example.com/search?q=Wi-Fi%20FAQ) (forum search)');
    expect(reply.trimEnd().endsWith(replyMarker('acme/support', 42))).toBe(true);
    expect(hasReplyMarker(reply)).toBe(true);
  });

  it('asks only for what is missing', () => {
    const reply = renderReply(template, actDecision({ issue: { title: 'Fails', body: 'On iOS 17.2 it fails with -1001.', labels: [] } }), 'a/b', 1);
    expect(reply).toContain('the API you use');
    expect(reply).toContain('a short code snippet');
    expect(reply).not.toContain('the platform and OS version');
    expect(reply).not.toContain('the exact error message');
  });

  it('says it is unsure when abstaining, with no resources', () => {
    const reply = renderReply(template, actDecision({ classification: classification('wifi', 0.3, true), issue: { title: 'x', body: 'It fails', labels: [] } }), 'a/b', 1);
    expect(reply).toContain('could not tell with confidence');
    expect(reply).not.toContain('These references');
  });

  it('never lets a mention through, even from an earlier issue’s title', () => {
    const similar = [{ repo: 'a/b', number: 7, title: 'Ping @octocat and @acme/network-team about [this](javascript:alert(1))', url: 'https://github.com/a/b/issues/7', score: 0.9, answered: true }];
    const reply = renderReply(template, actDecision({ similar }), 'a/b', 8);
    expect(containsMention(reply)).toBe(false);
    expect(reply).not.toContain('](javascript:');
    expect(reply).toContain('#7');
    expect(reply).toContain('(answered)');
  });

  it('neutralises mentions a replaced template writes itself', () => {
    const custom = compileReplyTemplate('Hello @maintainers, see {{#each resources}}{{title}}{{/each}}');
    expect(containsMention(renderReply(custom, actDecision(), 'a/b', 1))).toBe(false);
  });
});

describe('mentions', () => {
  it('keeps the text readable while removing the mention', () => {
    const text = neutralizeMentions('thanks @octocat!');
    expect(text.replace('\u200B', '')).toBe('thanks @octocat!');
    expect(containsMention(text)).toBe(false);
    expect(containsMention('thanks @octocat!')).toBe(true);
  });

  it('escapes Markdown and HTML in untrusted inline text', () => {
    expect(escapeMarkdownInline('<img src=x onerror=alert(1)> *bold* [x](y)')).toBe('\\<img src=x onerror=alert\\(1\\)\\> \\*bold\\* \\[x\\]\\(y\\)');
  });
});
