/** Process exit codes of every `exroute` command. */
export const ExitCode = {
  /** Everything checked out. */
  ok: 0,
  /** The command ran and found failures (failed cases, lint errors, bad event lines, …). */
  failures: 1,
  /** The command could not do its job: a usage error or invalid input (rules, suites, events). */
  invalid: 2,
} as const;

/** One of the values of `ExitCode`. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
