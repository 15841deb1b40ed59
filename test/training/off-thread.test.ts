import { describe, expect, it } from 'vitest';
import { trainModel } from '../../src/classify/index.js';
import { trainOffThread } from '../../src/training/off-thread.js';
import { trainAndCompare } from '../../src/training/train-and-compare.js';
import { tinyExamples, tinyKb } from '../classify/fixtures/tiny-kb.js';

const options = { calibrationFolds: 2 };

describe('training off the event loop', () => {
  it('gives the same model as training in process, while the event loop keeps running', async () => {
    const kb = { ...tinyKb, model: trainModel(tinyExamples.slice(0, -2), tinyKb, options) };
    const job = { examples: tinyExamples, previousExamples: tinyExamples.slice(0, -2), kb, folds: 2, options };
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const result = await trainOffThread(job);
    clearInterval(timer);
    const inProcess = trainAndCompare(job);
    expect(result.kind).toBe('trained');
    if (result.kind !== 'trained' || inProcess.kind !== 'trained') return;
    expect(result.model.version).toBe(inProcess.model.version);
    expect(result.reports.candidate.accuracy).toBe(inProcess.reports.candidate.accuracy);
    expect(ticks).toBeGreaterThan(0);
  });

  it('says unchanged when the data is what the model in use learned', async () => {
    const kb = { ...tinyKb, model: trainModel(tinyExamples, tinyKb, options) };
    expect(await trainOffThread({ examples: tinyExamples, previousExamples: tinyExamples, kb, folds: 2, options })).toEqual({ kind: 'unchanged', version: kb.model.version });
  });
});
