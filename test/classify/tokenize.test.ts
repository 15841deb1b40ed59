import { describe, expect, it } from 'vitest';
import { identifierParts, tokenize } from '../../src/classify/tokenize.js';
import { termCounts, defaultFeatureOptions } from '../../src/classify/features.js';

describe('tokenize', () => {
  it('keeps an API symbol whole and also emits its stemmed parts', () => {
    const terms = tokenize('URLSessionWebSocketTask closes');
    expect(terms).toContain('urlsessionwebsockettask');
    expect(terms).toEqual(expect.arrayContaining(['url', 'session', 'web', 'socket', 'task', 'close']));
    expect(identifierParts('NWConnection')).toEqual(['NW', 'Connection']);
  });

  it('does not split identifiers when asked not to', () => {
    expect(tokenize('NWConnection', { splitIdentifiers: false })).toEqual(['nwconnect']);
  });

  it('turns error codes into tokens of their own', () => {
    const terms = tokenize('The request failed with -1009, then Code=4 and status: 500');
    expect(terms).toEqual(expect.arrayContaining(['#-1009', '#4', '#500']));
    expect(tokenize('failed with -1009', { errorCodes: false })).not.toContain('#-1009');
  });

  it('segments Chinese text into words instead of dropping it', () => {
    const terms = tokenize('网络连接失败 NWConnection');
    expect(terms.length).toBeGreaterThan(2);
    expect(terms.join('')).toContain('网络');
    expect(terms).toContain('nwconnection');
    expect(tokenize('网络连接失败', { cjk: false })).not.toContain('网络');
  });

  it('treats words that name Object properties as ordinary terms', () => {
    const counts = termCounts({ title: 'constructor', body: 'constructor __proto__ hasOwnProperty toString' }, defaultFeatureOptions);
    expect(counts.get('constructor')).toBe(defaultFeatureOptions.titleWeight + 1);
    for (const value of counts.values()) expect(Number.isFinite(value)).toBe(true);
  });

  it('drops stop words, URLs and HTML comments', () => {
    const terms = tokenize('<!-- template: describe the bug --> the socket at https://example.test/x is closed');
    expect(terms).toEqual(['socket', 'close']);
  });
});
