import { Command } from 'commander';
import { backfillCommand } from './backfill.js';
import { classifyCommand } from './classify.js';
import { evalCommand } from './eval.js';
import { replayCommand } from './replay.js';
import { serveCommand } from './serve.js';
import { trainCommand } from './train.js';

/** `supportbot <command>`: each command lives in its own module. */
const program = new Command('supportbot')
  .description('Triage bot for a developer support queue on GitHub')
  .showHelpAfterError()
  .addCommand(serveCommand())
  .addCommand(classifyCommand())
  .addCommand(trainCommand())
  .addCommand(evalCommand())
  .addCommand(replayCommand())
  .addCommand(backfillCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`supportbot: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
