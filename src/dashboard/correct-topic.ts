import type { KnowledgeBase } from '../classify/index.js';
import type { RepoConfigResult } from '../config/repo-config.js';
import { SbError } from '../errors.js';
import type { IssueTracker, RepoRef } from '../github/issue-tracker.js';
import type { Logger } from '../log.js';
import { mapLabel, topicLabel } from '../triage/decide.js';
import type { Store } from '../store/store.js';
import { currentTopicOf, type DecisionRecord } from '../store/types.js';

export interface IssueWriteDeps {
  store: Store;
  /** GitHub, or null in dry-run: nothing is written there. */
  tracker: IssueTracker | null;
  knowledge(): KnowledgeBase;
  repoSettings(repo: RepoRef, tracker: IssueTracker): Promise<RepoConfigResult>;
  /** The GitHub App installation of the delivery that created the decision, when known. */
  installationIdOf(deliveryId: string): Promise<number | undefined>;
  now(): Date;
  logger: Logger;
}

export type CorrectionOutcome =
  | { kind: 'unchanged' }
  | { kind: 'corrected'; fromTopic: string | null; toTopic: string | null; github: 'updated' | 'dry-run' | 'failed'; error?: string };

export async function repoRefOf(deps: Pick<IssueWriteDeps, 'installationIdOf'>, decision: DecisionRecord): Promise<RepoRef> {
  const [owner = '', repo = ''] = decision.repo.split('/');
  return { owner, repo, installationId: await deps.installationIdOf(decision.deliveryId) };
}

/**
 * A maintainer changes an issue's topic on the dashboard: the correction is recorded first (so
 * the label events GitHub then sends are seen as already known), then the old topic label is
 * replaced with the new one on GitHub.
 */
export async function correctTopic(deps: IssueWriteDeps, input: { decision: DecisionRecord; toTopic: string | null; actor: string }): Promise<CorrectionOutcome> {
  const { decision, toTopic, actor } = input;
  const kb = deps.knowledge();
  if (toTopic !== null && !kb.topics.some((topic) => topic.slug === toTopic)) throw new Error(`unknown topic "${toTopic}"`);
  const fromTopic = currentTopicOf(decision);
  if (fromTopic === toTopic) return { kind: 'unchanged' };

  await deps.store.recordCorrection({
    repo: decision.repo,
    issueNumber: decision.issueNumber,
    decisionId: decision.id,
    fromTopic,
    toTopic,
    actor,
    source: 'dashboard',
    createdAt: deps.now().toISOString(),
  });
  const log = deps.logger.child({ repo: decision.repo, issue: decision.issueNumber, decisionId: decision.id });
  log.info({ fromTopic, toTopic, actor }, 'maintainer corrected the topic on the dashboard');
  if (!deps.tracker) {
    log.info({ dryRun: true }, 'dry-run: the topic labels on GitHub are left as they are');
    return { kind: 'corrected', fromTopic, toTopic, github: 'dry-run' };
  }

  try {
    const repoRef = await repoRefOf(deps, decision);
    const { settings } = await deps.repoSettings(repoRef, deps.tracker);
    const byslug = (slug: string | null) => kb.topics.find((topic) => topic.slug === slug);
    const labelOf = (slug: string | null) => {
      const topic = byslug(slug);
      return topic ? topicLabel(topic, settings.labelMap) : null;
    };
    const oldLabel = labelOf(fromTopic);
    const newLabel = labelOf(toTopic);
    if (oldLabel) {
      await deps.tracker.removeLabel(repoRef, decision.issueNumber, oldLabel.name).catch((error: unknown) => {
        // Someone already took the label off on GitHub: the goal is reached.
        if (!(error instanceof SbError && error.code === 'GITHUB_NOT_FOUND')) throw error;
      });
    }
    if (newLabel) {
      await deps.tracker.addLabels(repoRef, decision.issueNumber, [newLabel]);
      // A maintainer who gives the topic has answered the bot's request for a human.
      const needsHuman = mapLabel(kb.stateLabels.needsHuman, settings.labelMap).name;
      if (decision.labels.includes(needsHuman)) await deps.tracker.removeLabel(repoRef, decision.issueNumber, needsHuman);
    }
    return { kind: 'corrected', fromTopic, toTopic, github: 'updated' };
  } catch (error) {
    log.warn({ err: error, code: (error as { code?: string }).code }, 'could not change the topic labels on GitHub');
    return { kind: 'corrected', fromTopic, toTopic, github: 'failed', error: (error as Error).message };
  }
}
