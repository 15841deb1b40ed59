import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCorpusFiles, parseExamples } from '../../src/classify/index.js';

describe('parseExamples', () => {
  it('reads one example a line, skipping blank lines', () => {
    const text = [
      JSON.stringify({ id: 'a1', title: 'Socket closes', body: 'It closes early.', topics: ['network-framework'], lang: 'en', source: 'x' }),
      '',
      JSON.stringify({ title: 'Cert rejected', body: 'Trust fails.', topics: ['tls-security', 'urlsession'] }),
    ].join('\n');
    expect(parseExamples(text, 'mine.jsonl')).toEqual([
      { id: 'a1', title: 'Socket closes', body: 'It closes early.', topics: ['network-framework'] },
      { title: 'Cert rejected', body: 'Trust fails.', topics: ['tls-security', 'urlsession'] },
    ]);
  });

  it('names the line and field of a bad example', () => {
    expect(() => parseExamples('{"title":"t","body":"b","topics":[]}', 'mine.jsonl')).toThrow(/mine\.jsonl:1: field "topics" needs at least one topic/);
    expect(() => parseExamples('\n{oops', 'mine.jsonl')).toThrow(/mine\.jsonl:2: not valid JSON/);
  });
});

describe('defaultCorpusFiles', () => {
  it('lists the forum questions and the GitHub issues of the shared folder', () => {
    expect(defaultCorpusFiles('/s')).toEqual([path.join('/s', 'corpus', 'questions.jsonl'), path.join('/s', 'corpus', 'github-issues.jsonl')]);
  });
});
