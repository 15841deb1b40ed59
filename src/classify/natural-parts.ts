import { createRequire } from 'node:module';

/**
 * The parts of `natural` the bot uses, imported by path: `require('natural')` loads every
 * module (0.6 s, 150 MB) and its storage back ends print dotenv lines to stdout, which would
 * corrupt pino's JSON log stream.
 */
const require = createRequire(import.meta.url);

export const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as { stem(word: string): string };
export const englishStopwords: readonly string[] = (require('natural/lib/natural/util/stopwords.js') as { words: string[] }).words;
