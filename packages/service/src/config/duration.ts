const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a configuration duration (`500ms`, `30s`, `2m`, `1h`); the schema guarantees the form. */
export function parseDurationMs(text: string): number {
  const match = /^([0-9]{1,9})(ms|s|m|h)$/.exec(text);
  if (match === null) throw new RangeError(`not a duration: ${text}`);
  return Number(match[1]) * (UNIT_MS[match[2]!] ?? 1);
}
