import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classify, KnowledgeBaseError, loadKnowledgeBase, loadKnowledgeBaseDefinition } from '../../src/classify/index.js';
import { repoRoot } from '../support/shared-dir.js';

const committedKb = path.join(repoRoot, 'classifiers', 'networking');
const scratchDirs: string[] = [];

/** A copy of the committed knowledge base to break one file of. */
function copyOfCommittedKb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-kb-'));
  scratchDirs.push(dir);
  for (const file of ['topics.yml', 'resources.json', 'model.json']) fs.copyFileSync(path.join(committedKb, file), path.join(dir, file));
  return dir;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const target = path.join(dir, file);
  fs.writeFileSync(target, change(fs.readFileSync(target, 'utf8')));
}

afterEach(() => {
  for (const dir of scratchDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadKnowledgeBase', () => {
  it('loads the committed networking knowledge base, ready to classify', () => {
    const kb = loadKnowledgeBase(committedKb);
    expect(kb.name).toBe('networking');
    expect(kb.abstainTopic).toBe('other');
    expect(kb.topics.map((topic) => topic.slug)).toEqual(kb.model.topics);
    expect(kb.stateLabels.needsHuman.name).toBe('triage: needs human');
    expect(kb.forumSearchUrl).toContain('{query}');
    expect(kb.resources.some((resource) => resource.url === null)).toBe(true);
    expect(kb.model.version).toMatch(/^networking-/);
    const result = classify(kb, { title: 'NEPacketTunnelProvider never starts', body: 'startTunnel is not called for my VPN' });
    expect(result.topic).toBe('network-extension');
  });

  it('names the file and field when topics.yml is invalid', () => {
    const dir = copyOfCommittedKb();
    edit(dir, 'topics.yml', (text) => text.replace('color: "1d76db"', 'color: "blue"'));
    expect(() => loadKnowledgeBase(dir)).toThrow(KnowledgeBaseError);
    expect(() => loadKnowledgeBase(dir)).toThrow(expect.objectContaining({ code: 'KB_INVALID', audience: 'operator' }));
    expect(() => loadKnowledgeBase(dir)).toThrow(/topics\.yml: field "topics\.0\.color" must be six hex digits/);
  });

  it('rejects unknown keys and an abstain topic that is not a topic', () => {
    const dir = copyOfCommittedKb();
    edit(dir, 'topics.yml', (text) => text.replace('abstainTopic: other', 'abstainTopic: nothing\nsurprise: 1'));
    expect(() => loadKnowledgeBaseDefinition(dir)).toThrow(/topics\.yml: .*surprise/);
    edit(dir, 'topics.yml', (text) => text.replace('\nsurprise: 1', ''));
    expect(() => loadKnowledgeBaseDefinition(dir)).toThrow(/field "abstainTopic" "nothing" is not one of the topics/);
  });

  it('rejects a resource filed under a topic that does not exist', () => {
    const dir = copyOfCommittedKb();
    edit(dir, 'resources.json', (text) => text.replace('"urlsession"', '"url-session"'));
    expect(() => loadKnowledgeBaseDefinition(dir)).toThrow(/resources\.json: field "\d+\.topics" names unknown topic "url-session"/);
  });

  it('says which file is missing or not JSON', () => {
    const dir = copyOfCommittedKb();
    fs.rmSync(path.join(dir, 'model.json'));
    expect(() => loadKnowledgeBase(dir)).toThrow(/model\.json: cannot be read \(ENOENT\)/);
    fs.writeFileSync(path.join(dir, 'model.json'), '{ not json');
    expect(() => loadKnowledgeBase(dir)).toThrow(/model\.json: is not valid JSON/);
  });

  it('loads a model saved before the off-topic threshold existed as one that never gates', () => {
    const dir = copyOfCommittedKb();
    edit(dir, 'model.json', (text) => text.replace(/,"offTopicThreshold":[^,]+/, ''));
    expect(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).not.toContain('offTopicThreshold');
    expect(loadKnowledgeBase(dir).model.offTopicThreshold).toBe(1);
  });

  it('refuses a model trained for other topics', () => {
    const dir = copyOfCommittedKb();
    edit(dir, 'topics.yml', (text) => text.replace('slug: ftp', 'slug: file-transfer').replace(/"ftp"/g, '"file-transfer"'));
    edit(dir, 'resources.json', (text) => text.replace(/"ftp"/g, '"file-transfer"'));
    expect(() => loadKnowledgeBase(dir)).toThrow(/model\.json: field "topics" .* does not match topics\.yml .*retrain/);
  });
});
