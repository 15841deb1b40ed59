import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/classify/index.js';
import { evaluationFile } from '../../src/classify/knowledge-base.js';
import { storedFigures } from '../../src/training/promotion.js';
import { repoRoot } from '../support/shared-dir.js';

describe('the committed evaluation', () => {
  it('belongs to the committed model and holds every figure the dashboard shows', () => {
    const dir = path.join(repoRoot, 'classifiers', 'networking');
    const saved = JSON.parse(fs.readFileSync(path.join(dir, evaluationFile), 'utf8')) as Record<string, unknown>;
    expect(saved.modelVersion).toBe(loadKnowledgeBase(dir).model.version);
    expect(storedFigures(saved)).toMatchObject({ folds: 5, corrections: 0 });
    expect(saved.selectiveAccuracy as number).toBeGreaterThanOrEqual(0.95);
  });
});
