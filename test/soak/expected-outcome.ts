import type { KnowledgeBase } from '../../src/classify/index.js';
import { defaultRepoSettings } from '../../src/config/repo-config.js';
import { assessIssue } from '../../src/triage/assess-issue.js';
import type { IssueText } from './issue-texts.js';

export interface ExpectedOutcome {
  /** The labels a fault-free run puts on the issue. */
  labels: string[];
  /**
   * Whether a reply is due even without similar issues (a resource to suggest or details to ask
   * for). Similar issues depend on what each worker indexed so far, so they can only add a reply.
   */
  replyDue: boolean;
}

/** What the bot must do with a fresh issue, computed in-process from the same knowledge base the workers load. */
export function expectedOutcome(kb: KnowledgeBase, text: IssueText): ExpectedOutcome {
  const { decision } = assessIssue({ kb, issue: { ...text, labels: [] }, similar: [], settings: defaultRepoSettings });
  if (decision.kind === 'skip') return { labels: [], replyDue: false };
  return { labels: decision.labels.map((label) => label.name), replyDue: decision.reply };
}
