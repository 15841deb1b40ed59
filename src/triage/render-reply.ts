import Handlebars from 'handlebars';
import type { InfoItem } from './missing-info.js';
import { topicDisplayName } from './decide.js';
import { escapeMarkdownInline, neutralizeMentions } from './mentions.js';
import type { SuggestedLink, TriageDecision } from './types.js';

export type ReplyTemplate = Handlebars.TemplateDelegate<ReplyView>;

export interface ReplyView {
  /** `name` is the label without a `prefix: ` part, for prose ("a **Wi-Fi** question"). */
  topic: { slug: string; label: string | null; name: string } | null;
  abstained: boolean;
  resources: Array<Pick<SuggestedLink, 'title' | 'url' | 'why' | 'direct'>>;
  similar: Array<{ number: number; title: string; url: string; answered: boolean }>;
  missing: Record<InfoItem, boolean> & { any: boolean };
}

/** The hidden marker every reply carries, so a retry can see that the reply is already there. */
export function replyMarker(repo: string, issueNumber: number): string {
  return `<!-- supportbot:reply issue=${repo}#${issueNumber} -->`;
}

export function hasReplyMarker(commentBody: string): boolean {
  return commentBody.includes('<!-- supportbot:reply ');
}

/** True when the comment carries this very issue's marker: a reply copied from another issue does not count. */
export function isReplyTo(commentBody: string, repo: string, issueNumber: number): boolean {
  return commentBody.includes(replyMarker(repo, issueNumber));
}

/** Compiles a Markdown reply template. Markdown is not HTML: values are escaped for Markdown by the view, not by Handlebars. */
export function compileReplyTemplate(source: string): ReplyTemplate {
  return Handlebars.compile<ReplyView>(source, { noEscape: true, strict: false });
}

function safeUrl(url: string): string {
  return /^https:\/\/[^\s()<>]+$/.test(url) ? url : '';
}

export function replyView(decision: Extract<TriageDecision, { kind: 'act' }>): ReplyView {
  const missing = { platform: false, api: false, error: false, code: false, any: decision.missing.length > 0 };
  for (const item of decision.missing) missing[item] = true;
  return {
    topic: decision.topic
      ? { slug: decision.topic.slug, label: decision.topic.label, name: topicDisplayName(decision.topic) }
      : null,
    abstained: decision.abstained,
    resources: decision.resources.map((link) => ({
      title: escapeMarkdownInline(link.title),
      url: safeUrl(link.url),
      why: escapeMarkdownInline(link.why),
      direct: link.direct,
    })),
    similar: decision.similar.map((ref) => ({ number: ref.number, title: escapeMarkdownInline(ref.title), url: safeUrl(ref.url), answered: ref.answered })),
    missing,
  };
}

/**
 * Renders the one reply. Pure. The marker is added here rather than left to the template, so a
 * replaced template can never drop it; mentions are neutralised last, over everything.
 */
export function renderReply(template: ReplyTemplate, decision: Extract<TriageDecision, { kind: 'act' }>, repo: string, issueNumber: number): string {
  const body = template(replyView(decision)).replace(/\n{3,}/g, '\n\n').trim();
  return `${neutralizeMentions(body)}\n\n${replyMarker(repo, issueNumber)}\n`;
}
