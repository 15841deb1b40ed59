import { englishStopwords, PorterStemmer } from './natural-parts.js';

export interface TokenizeOptions {
  /** Keep `NWConnection` whole and also emit its parts `nw`, `connection`. */
  splitIdentifiers?: boolean;
  /** Emit error codes such as `-1009` and `code=4` as tokens of their own. */
  errorCodes?: boolean;
  /** Segment Chinese, Japanese and Korean runs with Intl.Segmenter instead of dropping them. */
  cjk?: boolean;
}

export const defaultTokenizeOptions: Required<TokenizeOptions> = { splitIdentifiers: true, errorCodes: true, cjk: true };

const stopwords = new Set(englishStopwords);
const cjkRun = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
/** Every Chinese, Japanese and Korean character is at or above U+1100; a plain range scans much faster than script classes. */
const mayHoldCjk = /[\u1100-\uffff]/;
const cjkChar = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const possessive = /['’]s$/u;
const wordPattern = /[\p{L}\p{N}_]+(?:['’][\p{L}]+)?/gu;
// ASCII-only on purpose: without the `u` flag case-insensitive matching is four times faster, and codes are ASCII.
const errorCodePattern = /(?:^|[\s(=:[])(-\d{3,6})\b|\b(?:code|error|err|status)\s*[=:]?\s*(-?\d{1,6})\b/gi;
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const stemCache = new Map<string, string>();
const wordCacheLimit = 200_000;
const wordTermCaches = [new Map<string, readonly string[]>(), new Map<string, readonly string[]>()];
const noTerms: readonly string[] = Object.freeze([]);

/** Removes what is never content: HTML comments, URLs, Markdown image links. */
export function normalizeText(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ');
}

function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = PorterStemmer.stem(word);
    if (stemCache.size < wordCacheLimit) stemCache.set(word, stemmed);
  }
  return stemmed;
}

/** Splits `URLSessionWebSocketTask` into `url session web socket task`. */
export function identifierParts(word: string): string[] {
  return word
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .split(' ')
    .filter((part) => part.length > 0);
}

function isIdentifier(word: string): boolean {
  return /[a-z][A-Z]|[A-Z]{2,}[a-z]|_/.test(word);
}

/**
 * Turns free text into stemmed terms. Every term is a plain string used as a Map key, never an
 * object property, so words like `constructor` or `__proto__` are ordinary terms.
 */
export function tokenize(text: string, options: TokenizeOptions = defaultTokenizeOptions): string[] {
  const opts = { ...defaultTokenizeOptions, ...options };
  const clean = normalizeText(text);
  const terms: string[] = [];

  if (opts.errorCodes) {
    for (const match of clean.matchAll(errorCodePattern)) {
      const code = match[1] ?? match[2];
      if (code) terms.push(`#${code}`);
    }
  }

  // Most issues hold no Chinese, Japanese or Korean at all: look for it per word only when the text has some.
  const segmentCjk = opts.cjk && mayHoldCjk.test(clean) && cjkChar.test(clean);
  // `match` with a global pattern returns bare strings: no match object per word.
  for (const word of clean.match(wordPattern) ?? []) {
    const last = word.charCodeAt(word.length - 1);
    const raw = last === 115 || last === 83 ? word.replace(possessive, '') : word;
    if (segmentCjk && cjkRun.test(raw)) {
      cjkRun.lastIndex = 0;
      terms.push(...cjkTerms(raw));
      continue;
    }
    cjkRun.lastIndex = 0;
    for (const term of wordTerms(raw, opts.splitIdentifiers)) terms.push(term);
  }
  return terms;
}

/**
 * The terms one word yields, remembered per spelling: issue text repeats the same words, and
 * lower-casing, stop-word and identifier checks and stemming cost more than one lookup.
 */
function wordTerms(word: string, splitIdentifiers: boolean): readonly string[] {
  const cache = wordTermCaches[splitIdentifiers ? 1 : 0];
  let terms = cache.get(word);
  if (terms !== undefined) return terms;
  const found: string[] = [];
  if (splitIdentifiers && isIdentifier(word)) {
    found.push(word.toLowerCase());
    for (const part of identifierParts(word)) addWord(part, found);
  } else {
    addWord(word, found);
  }
  terms = found.length === 0 ? noTerms : found;
  if (cache.size < wordCacheLimit) cache.set(word, terms);
  return terms;
}

function addWord(word: string, terms: string[]): void {
  const lower = word.toLowerCase();
  if (lower.length < 2 || stopwords.has(lower) || /^\d+$/.test(lower)) return;
  terms.push(stem(lower));
}

function cjkTerms(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+)/u)) {
    if (!part) continue;
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(part)) {
      for (const segment of segmenter.segment(part)) {
        if (segment.isWordLike) out.push(segment.segment);
      }
    } else {
      addWord(part, out);
    }
  }
  return out;
}

/** How often each term occurs, in order of first occurrence. */
export function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
