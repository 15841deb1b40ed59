import fs from 'node:fs';
import path from 'node:path';
import { compileReplyTemplate, type ReplyTemplate } from './render-reply.js';

export const replyTemplateFile = 'reply.md.hbs';

/** Reads `reply.md.hbs` from a templates folder (another team swaps the folder, not the code). */
export function loadReplyTemplate(templatesDir: string): ReplyTemplate {
  return compileReplyTemplate(fs.readFileSync(path.join(templatesDir, replyTemplateFile), 'utf8'));
}
