/** The shape every `exroute` command shares: declared options, generated help, strict parsing. */
import { parseArgs } from 'node:util';
import { didYouMean } from '@exroute/core';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './errors.js';

/** One command-line option. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given several times (string options only). */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `FILE`. */
  valueName?: string;
  description: string;
}

/** Options and positionals as parsed for one invocation. */
export interface ParsedCommand {
  values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  positionals: string[];
}

/** An `exroute` sub-command. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** e.g. `exroute validate <paths...>`. */
  usage: string;
  /** Paragraphs after the usage line: what it does, exit codes, environment. */
  details: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Runs the command and resolves to its exit code. */
  run(parsed: ParsedCommand, io: CliIo): Promise<number>;
}

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** Parses `argv` for `command` (strict: unknown flags are usage errors); `help` is always known. */
export function parseCommandLine(command: Command, argv: readonly string[]): ParsedCommand {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = {};
  for (const [name, spec] of Object.entries({ ...command.options, help: HELP_OPTION })) {
    options[name] = {
      type: spec.type,
      ...(spec.short !== undefined ? { short: spec.short } : {}),
      ...(spec.multiple === true ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: true,
    });
    return { values: values as ParsedCommand['values'], positionals };
  } catch (error) {
    throw new CliUsageError(usageProblem(command, argv, error), command.name);
  }
}

/**
 * Node's parser reports problems in its own words (`Unknown option '--formt'. To specify a
 * positional argument …`); this finds the offending argument and says, in exroute's words, what
 * is wrong with it, with a did-you-mean over the command's declared options.
 */
function usageProblem(command: Command, argv: readonly string[], error: unknown): string {
  const specs: Readonly<Record<string, OptionSpec>> = { ...command.options, help: HELP_OPTION };
  const byShort = new Map(
    Object.entries(specs).flatMap(([name, spec]) =>
      spec.short !== undefined ? [[spec.short, name] as const] : [],
    ),
  );
  const longNames = Object.keys(specs).map((name) => `--${name}`);
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] ?? '';
    if (token === '--') break;
    if (!token.startsWith('-') || token === '-') continue;
    const long = token.startsWith('--');
    const name = long ? (token.slice(2).split('=')[0] ?? '') : token.slice(1, 2);
    const declared = long ? name : byShort.get(name);
    const spec = declared !== undefined ? specs[declared] : undefined;
    if (spec === undefined) {
      const shown = long ? `--${name}` : `-${name}`;
      const hint = didYouMean(shown, longNames);
      return `unknown option '${shown}'${hint !== undefined ? ` (${hint})` : `; the options are ${longNames.join(', ')}`}`;
    }
    const inlineValue = long ? token.includes('=') : token.length > 2;
    if (spec.type === 'boolean' && inlineValue && long) {
      return `--${declared} is a switch and takes no value; remove '=${token.split('=').slice(1).join('=')}'`;
    }
    if (spec.type === 'string' && !inlineValue) {
      const next = argv[index + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        return `--${declared} needs a value: --${declared} ${spec.valueName ?? 'VALUE'}`;
      }
      index += 1;
    }
  }
  const code = (error as { code?: unknown }).code;
  return `cannot read the options${typeof code === 'string' ? ` (${code})` : ''}`;
}

/** The `--help` text of `command`, generated from its declaration. */
export function commandHelp(command: Command): string {
  const rows = Object.entries({ ...command.options, help: HELP_OPTION }).map(([name, spec]) => {
    const flag = `${spec.short !== undefined ? `-${spec.short}, ` : '    '}--${name}${
      spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''
    }`;
    return {
      flag,
      description: `${spec.description}${spec.multiple === true ? ' (repeatable)' : ''}`,
    };
  });
  const width = Math.max(...rows.map((row) => row.flag.length)) + 2;
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    '',
    command.details.trim(),
    '',
    'Options:',
    ...rows.map((row) => `  ${row.flag.padEnd(width)}${row.description}`),
    '',
  ].join('\n');
}

/** A string option's value, if given (the last one wins for non-repeatable options). */
export function stringValue(parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable string option. */
export function stringValues(parsed: ParsedCommand, name: string): string[] {
  const value = parsed.values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** Whether a boolean flag was given. */
export function flag(parsed: ParsedCommand, name: string): boolean {
  return parsed.values[name] === true;
}

/** `--format text|json`, as declared by every command whose output is text or JSON. */
export const TEXT_OR_JSON_FORMAT_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'text|json',
  description: 'output format (default text)',
};

/** `--format text|json`, checked. */
export function outputFormat(parsed: ParsedCommand, command: string): 'text' | 'json' {
  const value = stringValue(parsed, 'format') ?? 'text';
  if (value !== 'text' && value !== 'json') {
    throw new CliUsageError(`--format must be 'text' or 'json', got '${value}'`, command);
  }
  return value;
}

/** A `--flag N` number in [min, max], checked. */
export function numberValue(
  parsed: ParsedCommand,
  name: string,
  command: string,
  range: { min: number; max: number },
): number | undefined {
  const raw = stringValue(parsed, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < range.min || value > range.max) {
    throw new CliUsageError(
      `--${name} must be a number from ${range.min} to ${range.max}, got '${raw}'`,
      command,
    );
  }
  return value;
}

/** `--at TIME`: an RFC 3339 instant to freeze the router clock at. */
export function clockValue(parsed: ParsedCommand, command: string): Date | undefined {
  const raw = stringValue(parsed, 'at');
  if (raw === undefined) return undefined;
  const instant = new Date(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(instant.getTime())) {
    throw new CliUsageError(
      `--at must be an RFC 3339 date-time such as 2026-11-30T10:00:00Z, got '${raw}'`,
      command,
    );
  }
  return instant;
}
