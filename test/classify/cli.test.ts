import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadKnowledgeBase } from '../../src/classify/index.js';
import { evalCommand } from '../../src/cli/eval.js';
import { trainCommand } from '../../src/cli/train.js';
import { tinyKb, writeTinyKb } from './fixtures/tiny-kb.js';

let dir: string;
let kbDir: string;
let dataFile: string;

async function run(command: typeof trainCommand, args: string[]): Promise<string> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await command().parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cli-'));
  ({ kbDir, examplesFile: dataFile } = writeTinyKb(dir));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('supportbot train', () => {
  it('writes a model the knowledge base loads, with the same bytes on every run', async () => {
    const output = await run(trainCommand, ['--data', dataFile, '--kb', kbDir]);
    expect(output).toMatch(/model\.json: tiny-[0-9a-f]{12}, 20 examples \+ \d+ prior documents/);
    const first = fs.readFileSync(path.join(kbDir, 'model.json'));
    await run(trainCommand, ['--data', dataFile, '--kb', kbDir]);
    expect(fs.readFileSync(path.join(kbDir, 'model.json')).equals(first)).toBe(true);
    expect(loadKnowledgeBase(kbDir).model.training.examples).toBe(20);
  });
});

describe('supportbot eval', () => {
  it('prints exactly one JSON object with the figures under --json', async () => {
    const output = await run(evalCommand, ['--train', dataFile, '--folds', '2', '--kb', kbDir, '--json']);
    expect(output.trim().split('\n')).toHaveLength(1);
    const figures = JSON.parse(output) as Record<string, unknown>;
    expect(Object.keys(figures).sort()).toEqual(['abstentionRate', 'accuracy', 'macroF1', 'perTopic', 'selectiveAccuracy', 'similarIssues', 'top3']);
    expect(figures.similarIssues).toMatchObject({ shippedFloor: 0.37, precision: expect.any(Number), recall: expect.any(Number) });
    expect(Object.keys(figures.perTopic as object)).toEqual(tinyKb.topics.map((topic) => topic.slug));
    expect(figures.accuracy).toBeGreaterThan(0.5);
  });

  it('prints per-topic figures, the confusion matrix and the natural baselines as text', async () => {
    const output = await run(evalCommand, ['--train', dataFile, '--test', dataFile, '--kb', kbDir]);
    expect(output).toContain('trained on 20 examples, tested on 20');
    expect(output).toContain('confusion (rows gold, columns predicted)');
    expect(output).toMatch(/\| natural BayesClassifier \|/);
    expect(output).toMatch(/\| natural TfIdf, one document per topic \|/);
    expect(output).toMatch(/similar issues: measured floor [\d.]+ \(shipped 0\.37\): precision [\d.]+%/);
  });

  it('cross-validates on the folds of the given seed and prints the risk–coverage table', async () => {
    const output = await run(evalCommand, ['--train', dataFile, '--folds', '2', '--seed', '7', '--kb', kbDir]);
    expect(output).toContain('stratified 2-fold cross-validation of 20 examples, fold seed 7');
    const table = output.slice(output.indexOf('risk–coverage'));
    expect(table.match(/^\| +\d+\.\d% \| +\d+ \| +\d+\.\d% \|$/gm)).toHaveLength(8);
  });
});
