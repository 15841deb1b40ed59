#!/usr/bin/env node
// natural's optional storage back ends call dotenv at import, which would print to stdout
// and corrupt both the CLI's output and pino's JSON stream.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
await import('../dist/src/cli/index.js');
