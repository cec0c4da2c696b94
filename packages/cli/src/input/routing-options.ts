import type { RouterOptions } from '@exroute/core';
import type { OptionSpec, ParsedCommand } from '../command.js';
import { clockValue, stringValues } from '../command.js';
import { CliUsageError } from '../errors.js';

/** `--rules PATH`, repeatable: the rule files and directories a routing command loads. */
export const RULES_OPTION: OptionSpec = {
  type: 'string',
  multiple: true,
  valueName: 'PATH',
  description: 'rule file or directory',
};

/** `--at TIME`: freezes the router clock, so output does not depend on when the command runs. */
export const CLOCK_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'TIME',
  description: 'freeze the router clock at this RFC 3339 instant',
};

/** What `--rules` and `--at` ask of the router. */
export interface RoutingOptions {
  rulePaths: string[];
  routerOptions: RouterOptions;
}

/**
 * `--rules` (required) and `--at` of a command that routes events, checked; throws
 * CliUsageError naming `command` when `--at` is malformed or `--rules` is missing.
 */
export function readRoutingOptions(parsed: ParsedCommand, command: string): RoutingOptions {
  const rulePaths = stringValues(parsed, 'rules');
  const at = clockValue(parsed, command);
  if (rulePaths.length === 0) throw new CliUsageError('--rules is required', command);
  return { rulePaths, routerOptions: at !== undefined ? { clock: () => at } : {} };
}
