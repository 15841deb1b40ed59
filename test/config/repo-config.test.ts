import { describe, expect, it } from 'vitest';
import { defaultRepoSettings, parseRepoConfig } from '../../src/config/repo-config.js';

const topics = ['wifi', 'tls-security', 'other'];

describe('parseRepoConfig', () => {
  it('uses the defaults when the repository has no file, or an empty one', () => {
    expect(parseRepoConfig(null, topics)).toEqual({ ok: true, settings: defaultRepoSettings });
    expect(parseRepoConfig('\n# nothing yet\n', topics)).toEqual({ ok: true, settings: defaultRepoSettings });
  });

  it('reads every setting', () => {
    const result = parseRepoConfig('mode: review\nreply: false\nneeds-info: false\ntopics: [wifi]\nlabels:\n  "topic: Wi-Fi": area/wifi\n', topics);
    expect(result).toEqual({ ok: true, settings: { mode: 'review', reply: false, needsInfo: false, topics: ['wifi'], labelMap: { 'topic: Wi-Fi': 'area/wifi' } } });
  });

  it.each([
    ['an unknown key', 'mode: on\ncolour: red\n', /unknown key\(s\): colour/],
    ['a bad mode', 'mode: loud\n', /^mode: must be one of on, review, shadow, off/],
    ['an unknown topic', 'topics: [bluetooth]\n', /unknown topic\(s\) bluetooth/],
    ['malformed YAML', 'mode: [on\n', /not valid YAML/],
    ['a list at the top', '- on\n', /must be a mapping/],
    ['a billion laughs', `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`, /not valid YAML|unknown key/],
  ])('falls back to shadow mode on %s, with the reason', (_name, text, message) => {
    const result = parseRepoConfig(text, topics);
    expect(result.ok).toBe(false);
    expect(result.settings.mode).toBe('shadow');
    if (!result.ok) expect(result.errors.join('\n')).toMatch(message);
  });
});
