import fs from 'node:fs';
import { Command } from 'commander';
import { loadKnowledgeBase } from '../classify/index.js';
import { defaultRepoSettings } from '../config/repo-config.js';
import { loadReplyTemplate } from '../triage/load-reply-template.js';
import { assessIssue } from '../triage/assess-issue.js';
import { renderReply } from '../triage/render-reply.js';
import { defaultKbDir } from './corpus-paths.js';

/** Splits a Markdown file into a title (first heading or line) and a body. */
export function issueFromFile(text: string): { title: string; body: string } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0) return { title: '', body: '' };
  return { title: lines[first].replace(/^#+\s*/, '').trim(), body: lines.slice(first + 1).join('\n').trim() };
}

/** `supportbot classify`: what the bot would do with one issue, offline. */
export function classifyCommand(): Command {
  return new Command('classify')
    .description('show the topic ranking, the label decision and the reply for one issue, offline')
    .argument('[text]', 'the issue title (and body); or use --file')
    .option('--file <file>', 'a Markdown file: first line is the title, the rest the body')
    .option('--body <text>', 'the issue body, when the argument is only the title', '')
    .option('--kb <dir>', 'knowledge base directory', process.env.KB_DIR ?? defaultKbDir)
    .option('--templates <dir>', 'templates directory', process.env.TEMPLATES_DIR ?? 'templates')
    .option('--json', 'print one JSON object')
    .action((text: string | undefined, options: { file?: string; body: string; kb: string; templates: string; json?: boolean }) => {
      if (!text && !options.file) throw new Error('give the issue text as an argument or --file FILE');
      const issue = options.file ? issueFromFile(fs.readFileSync(options.file, 'utf8')) : { title: text ?? '', body: options.body };
      const kb = loadKnowledgeBase(options.kb);
      const { classification, decision } = assessIssue({ kb, issue: { ...issue, labels: [] }, similar: [], settings: defaultRepoSettings });
      const reply = decision.kind === 'act' && decision.reply ? renderReply(loadReplyTemplate(options.templates), decision, 'owner/repo', 1) : null;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ classification, decision, reply })}\n`);
        return;
      }
      const out: string[] = ['Topic ranking:'];
      for (const { topic, score } of classification.ranking) {
        const bar = '#'.repeat(Math.round(score * 30));
        out.push(`  ${topic.padEnd(24)} ${score.toFixed(3)} ${bar}`);
      }
      out.push('');
      out.push(`Confidence ${classification.confidence.toFixed(3)} (threshold for ${classification.topic}: ${classification.threshold.toFixed(3)}), model ${classification.modelVersion}`);
      out.push(`Driving terms: ${classification.terms.map((term) => term.term).join(', ') || '(none)'}`);
      if (decision.kind === 'skip') out.push(`Decision: skip (${decision.reason})`);
      else {
        out.push(decision.abstained ? `Decision: abstain (${decision.abstainReason})` : `Decision: label "${decision.topic?.label}"`);
        out.push(`Labels: ${decision.labels.map((label) => label.name).join(', ')}`);
        if (decision.missing.length > 0) out.push(`Missing information: ${decision.missing.join(', ')}`);
      }
      out.push('');
      out.push(reply ? `Reply:\n${reply}` : 'Reply: none (nothing useful to say)');
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
