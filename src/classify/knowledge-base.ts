import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { SbError } from '../errors.js';
import type { KnowledgeBase, KnowledgeBaseDefinition, Model } from './types.js';

export const topicsFile = 'topics.yml';
export const resourcesFile = 'resources.json';
export const modelFile = 'model.json';
/** Cross-validated figures of the committed model (`supportbot eval --save`), shown on the dashboard. */
export const evaluationFile = 'evaluation.json';

const hexColor = z.string().regex(/^[0-9a-fA-F]{6}$/, 'must be six hex digits without #');
const stateLabel = z.strictObject({ name: z.string().min(1), color: hexColor, description: z.string() });

const topicsSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case slug'),
    abstainTopic: z.string().min(1),
    forumSearchUrl: z.string().url().refine((url) => url.includes('{query}'), 'must contain {query}'),
    stateLabels: z.strictObject({ needsInfo: stateLabel, needsHuman: stateLabel }),
    topics: z
      .array(
        z.strictObject({
          slug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a lower-case slug'),
          label: z.string().min(1).nullable(),
          color: hexColor,
          description: z.string(),
          keywords: z.array(z.coerce.string()).default([]),
        }),
      )
      .min(2, 'needs at least two topics'),
  })
  .superRefine((value, context) => {
    const slugs = value.topics.map((topic) => topic.slug);
    const duplicate = slugs.find((slug, index) => slugs.indexOf(slug) !== index);
    if (duplicate) context.addIssue({ code: 'custom', path: ['topics'], message: `slug "${duplicate}" appears twice` });
    if (!slugs.includes(value.abstainTopic)) {
      context.addIssue({ code: 'custom', path: ['abstainTopic'], message: `"${value.abstainTopic}" is not one of the topics` });
    }
    value.topics.forEach((topic, index) => {
      if (topic.label === null && topic.slug !== value.abstainTopic) {
        context.addIssue({ code: 'custom', path: ['topics', index, 'label'], message: 'only the abstain topic may have no label' });
      }
    });
  });

const resourcesSchema = z.array(
  z.object({
    id: z.string().min(1),
    title: z.string().min(1),
    kind: z.string(),
    url: z.string().url().nullable(),
    topics: z.array(z.string()),
    summary: z.string(),
    keywords: z.array(z.string()),
    section: z.string(),
  }),
);

const finite = z.number().finite();
const modelSchema = z.object({
  format: z.literal(1),
  version: z.string().min(1),
  learner: z.enum(['svm', 'logistic', 'centroid']),
  topics: z.array(z.string()).min(2),
  abstainTopic: z.string(),
  features: z.object({
    titleWeight: finite,
    bigrams: z.boolean(),
    sublinearTf: z.boolean(),
    tokenize: z.object({ splitIdentifiers: z.boolean(), errorCodes: z.boolean(), cjk: z.boolean() }),
  }),
  vocabulary: z.array(z.string()),
  idf: z.array(finite),
  weights: z.array(z.array(finite)),
  bias: z.array(finite),
  temperature: finite.positive(),
  thresholds: z.array(finite),
  offTopicThreshold: finite.default(1),
  training: z.object({ examples: z.number(), priorDocuments: z.number(), targetPrecision: z.number() }),
});

/** Thrown when a knowledge base file is missing or invalid (code KB_INVALID); the message names file and field. */
export class KnowledgeBaseError extends SbError {
  constructor(readonly file: string, detail: string) {
    super('KB_INVALID', `${file}: ${detail}`);
    this.name = 'KnowledgeBaseError';
  }
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new KnowledgeBaseError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((issue) => `field "${issue.path.join('.') || '(root)'}" ${issue.message}`);
  throw new KnowledgeBaseError(file, problems.join('; '));
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new KnowledgeBaseError(file, `is not valid JSON (${(error as Error).message})`);
  }
}

/** Topics, state labels and resources of a knowledge base: everything training needs. */
export function loadKnowledgeBaseDefinition(dir: string): KnowledgeBaseDefinition {
  const topicsPath = path.join(dir, topicsFile);
  let topicsValue: unknown;
  try {
    topicsValue = YAML.parse(readFile(topicsPath));
  } catch (error) {
    if (error instanceof KnowledgeBaseError) throw error;
    throw new KnowledgeBaseError(topicsPath, `is not valid YAML (${(error as Error).message})`);
  }
  const definition = parseWith(topicsSchema, topicsValue, topicsPath);
  const resourcesPath = path.join(dir, resourcesFile);
  const resources = parseWith(resourcesSchema, parseJson(readFile(resourcesPath), resourcesPath), resourcesPath);
  const slugs = new Set(definition.topics.map((topic) => topic.slug));
  resources.forEach((resource, index) => {
    const unknown = resource.topics.find((topic) => !slugs.has(topic));
    if (unknown) throw new KnowledgeBaseError(resourcesPath, `field "${index}.topics" names unknown topic "${unknown}"`);
  });
  return { dir, ...definition, resources };
}

/** Checks that a model fits the knowledge base it is loaded with, so a stale model fails at start. */
export function checkModel(model: Model, definition: KnowledgeBaseDefinition, file: string): Model {
  const slugs = definition.topics.map((topic) => topic.slug);
  if (model.topics.join('\n') !== slugs.join('\n')) {
    throw new KnowledgeBaseError(file, `field "topics" (${model.topics.join(', ')}) does not match ${topicsFile} (${slugs.join(', ')}); retrain with \`supportbot train\``);
  }
  if (model.abstainTopic !== definition.abstainTopic) throw new KnowledgeBaseError(file, `field "abstainTopic" does not match ${topicsFile}`);
  const topicCount = slugs.length;
  if (model.idf.length !== model.vocabulary.length || model.weights.length !== model.vocabulary.length) {
    throw new KnowledgeBaseError(file, 'fields "vocabulary", "idf" and "weights" differ in length');
  }
  const badRow = model.weights.findIndex((row) => row.length !== topicCount);
  if (badRow >= 0) throw new KnowledgeBaseError(file, `field "weights.${badRow}" must have ${topicCount} entries`);
  if (model.bias.length !== topicCount) throw new KnowledgeBaseError(file, `field "bias" must have ${topicCount} entries`);
  if (model.thresholds.length !== topicCount) throw new KnowledgeBaseError(file, `field "thresholds" must have ${topicCount} entries`);
  return model;
}

export function parseModel(text: string, file: string): Model {
  return parseWith(modelSchema, parseJson(text, file), file) as Model;
}

/** Loads and validates a knowledge base directory: topics.yml, resources.json and model.json. */
export function loadKnowledgeBase(dir: string): KnowledgeBase {
  const definition = loadKnowledgeBaseDefinition(dir);
  const file = path.join(dir, modelFile);
  const model = checkModel(parseModel(readFile(file), file), definition, file);
  return { ...definition, model };
}
