import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildRoutingGraph, ruleSetToMermaid } from '@exroute/testing';
import type { Command } from '../command.js';
import { outputFormat, stringValue } from '../command.js';
import { CliUsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { requireRuleSet } from '../input/require-rule-set.js';

/** `exroute graph <paths...>`: the routing as a Mermaid flowchart. */
export const graphCommand: Command = {
  name: 'graph',
  summary: 'Draw the routing as a Mermaid flowchart: event types → rules → templates → recipients.',
  usage: 'exroute graph [options] <paths...>',
  details: `
Prints Mermaid flowchart source. Paste it into a Markdown file inside a \`\`\`mermaid block
(GitHub, GitLab and most wikis render it) or into https://mermaid.live.
Rules appear in evaluation order; "(stop)" marks rules that end evaluation; edges from rules to
templates carry the channels; rules that do not pin the event type hang off "any event type".

--format json prints the same graph as { nodes: [{ id, kind, name, stop?, review? }], edges: [{ from, to,
channels? }] } for other renderers.

Exit codes: 0 ok, 2 usage error or invalid rules.`,
  options: {
    format: {
      type: 'string',
      valueName: 'mermaid|json',
      description: 'output format (default mermaid)',
    },
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FILE',
      description: 'write to FILE instead of stdout',
    },
  },
  async run(parsed, io) {
    const format =
      stringValue(parsed, 'format') === 'mermaid' ? 'text' : outputFormat(parsed, 'graph');
    if (parsed.positionals.length === 0) {
      throw new CliUsageError('give at least one rule file or directory', 'graph');
    }
    const loaded = await requireRuleSet(parsed.positionals, io);
    if (loaded === undefined) return ExitCode.invalid;
    const rendered =
      format === 'json'
        ? `${JSON.stringify(buildRoutingGraph(loaded.ruleSet), null, 2)}\n`
        : ruleSetToMermaid(loaded.ruleSet);
    const output = stringValue(parsed, 'output');
    if (output === undefined) io.stdout.write(rendered);
    else await writeOutput(resolve(io.cwd, output), rendered);
    return ExitCode.ok;
  },
};

/** Writes a report file; an unwritable path is a usage error, not a crash. */
export async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new CliUsageError(
      `cannot write '${path}' (${(error as NodeJS.ErrnoException).code ?? 'error'}); check that the folder exists`,
    );
  }
}
