import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { loadSimilarIndex, saveSimilarIndex } from '../../src/similar/index.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import type { StoredIssue } from '../../src/store/types.js';

const logger = createLogger({ level: 'silent' });

function issue(number: number, title: string, body: string): StoredIssue {
  return { repo: 'acme/support', number, title, body, state: 'closed', answered: true, isPrivate: false, url: `https://github.com/acme/support/issues/${number}`, updatedAt: `2026-01-0${number}T00:00:00.000Z` };
}

describe('similar-issue snapshot file', () => {
  it('reloads the saved index while the store is unchanged, and rebuilds once it changed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-snapshot-'));
    const file = path.join(dir, 'nested', 'similar-index.snapshot');
    const store = createSqliteStore({ file: ':memory:' });
    await store.upsertIssue(issue(1, 'Packet tunnel stops after sleep', 'The VPN packet tunnel provider stops passing traffic after the device sleeps.'));
    await store.upsertIssue(issue(2, 'Background download stalls', 'A background URLSession download never completes on cellular.'));
    const query = { title: 'VPN tunnel stops when device sleeps', body: 'packet tunnel provider traffic stops after sleep' };

    const fresh = await loadSimilarIndex(store, file, logger);
    expect(fresh.source).toBe('store');
    await saveSimilarIndex(fresh.index, store, file);

    const reloaded = await loadSimilarIndex(store, file, logger);
    expect(reloaded.source).toBe('snapshot');
    expect(reloaded.index.query('acme/support', query, { includePrivate: false })).toEqual(fresh.index.query('acme/support', query, { includePrivate: false }));
    expect(reloaded.index.query('acme/support', query, { includePrivate: false })[0]?.number).toBe(1);

    await store.deleteIssue('acme/support', 1);
    const afterChange = await loadSimilarIndex(store, file, logger);
    expect(afterChange.source).toBe('store');
    expect(afterChange.index.query('acme/support', query, { includePrivate: false }).map((ref) => ref.number)).not.toContain(1);

    fs.writeFileSync(file, 'not a snapshot');
    await saveSimilarIndex(afterChange.index, store, file);
    fs.writeFileSync(file, Buffer.alloc(fs.statSync(file).size));
    expect((await loadSimilarIndex(store, file, logger)).source).toBe('store');
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
