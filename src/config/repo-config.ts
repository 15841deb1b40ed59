import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Per-repository behaviour from `.github/supportbot.yml` on the default branch. Unknown keys and
 * bad values are errors, never silently ignored: the repository then runs in `shadow` mode and
 * the error is shown to its maintainers.
 */
export const repoConfigPath = '.github/supportbot.yml';

const labelName = z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters');

const repoConfigSchema = z
  .object({
    mode: z.enum(['on', 'review', 'shadow', 'off'], { error: 'must be one of on, review, shadow, off' }).default('on'),
    reply: z.boolean({ error: 'must be true or false' }).default(true),
    'needs-info': z.boolean({ error: 'must be true or false' }).default(true),
    topics: z.array(z.string().min(1), { error: 'must be a list of topic slugs' }).min(1, 'must name at least one topic').optional(),
    labels: z.record(z.string(), labelName, { error: 'must map label names to your own label names' }).default({}),
  })
  .strict();

export type RepoMode = 'on' | 'review' | 'shadow' | 'off';

export interface RepoSettings {
  mode: RepoMode;
  reply: boolean;
  needsInfo: boolean;
  /** Topic slugs this repository serves; null: all. */
  topics: string[] | null;
  /** The bot's label name → the repository's own label name. */
  labelMap: Record<string, string>;
}

export const defaultRepoSettings: RepoSettings = Object.freeze({ mode: 'on', reply: true, needsInfo: true, topics: null, labelMap: {} });

export type RepoConfigResult = { ok: true; settings: RepoSettings } | { ok: false; settings: RepoSettings; errors: string[] };

/** The settings a repository runs with when its config file is broken: watch, touch nothing. */
const fallbackSettings: RepoSettings = Object.freeze({ ...defaultRepoSettings, mode: 'shadow' as const });

const maxConfigBytes = 64 * 1024;

/** Pure: parses the file's text (null when the repository has none). */
export function parseRepoConfig(text: string | null, knownTopics: readonly string[]): RepoConfigResult {
  if (text === null || text.trim() === '') return { ok: true, settings: defaultRepoSettings };
  if (text.length > maxConfigBytes) return { ok: false, settings: fallbackSettings, errors: [`${repoConfigPath} is larger than 64 KiB`] };
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 10, prettyErrors: false });
  } catch (error) {
    return { ok: false, settings: fallbackSettings, errors: [`${repoConfigPath} is not valid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  if (raw === null || raw === undefined) return { ok: true, settings: defaultRepoSettings };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, settings: fallbackSettings, errors: [`${repoConfigPath} must be a mapping of settings`] };
  }
  const parsed = repoConfigSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      settings: fallbackSettings,
      errors: parsed.error.issues.map((issue) =>
        issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      ),
    };
  }
  const unknownTopics = (parsed.data.topics ?? []).filter((topic) => !knownTopics.includes(topic));
  if (unknownTopics.length > 0) {
    return { ok: false, settings: fallbackSettings, errors: [`topics: unknown topic(s) ${unknownTopics.join(', ')}; known: ${knownTopics.join(', ')}`] };
  }
  return {
    ok: true,
    settings: Object.freeze({
      mode: parsed.data.mode,
      reply: parsed.data.reply,
      needsInfo: parsed.data['needs-info'],
      topics: parsed.data.topics ?? null,
      labelMap: parsed.data.labels,
    }),
  };
}
