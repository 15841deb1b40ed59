import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Example } from './types.js';

const exampleSchema = z.object({
  id: z.string().optional(),
  title: z.string(),
  body: z.string(),
  topics: z.array(z.string().min(1)).min(1, 'needs at least one topic'),
});

/** The labelled corpus files of the shared folder: forum questions and GitHub issues. */
export function defaultCorpusFiles(sharedDir: string): string[] {
  return [path.join(sharedDir, 'corpus', 'questions.jsonl'), path.join(sharedDir, 'corpus', 'github-issues.jsonl')];
}

/** Parses JSONL examples (`id`, `title`, `body`, `topics` primary first); errors name the line and field. */
export function parseExamples(text: string, source: string): Example[] {
  const examples: Example[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${source}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = exampleSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${source}:${index + 1}: field "${issue.path.join('.') || '(line)'}" ${issue.message}`);
    }
    const { id, title, body, topics } = parsed.data;
    examples.push(id === undefined ? { title, body, topics } : { id, title, body, topics });
  });
  return examples;
}

export function readExamples(file: string): Example[] {
  return parseExamples(fs.readFileSync(file, 'utf8'), file);
}
