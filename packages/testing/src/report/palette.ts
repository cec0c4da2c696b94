/** ANSI styling that collapses to plain text when colour is off (non-TTY or NO_COLOR). */
export interface Palette {
  pass(text: string): string;
  fail(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const plain = (text: string): string => text;

function ansi(open: number, close: number): (text: string) => string {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

/** The palette for `color`: ANSI escapes when true, identity functions when false. */
export function createPalette(color: boolean): Palette {
  if (!color) return { pass: plain, fail: plain, warn: plain, dim: plain, bold: plain };
  return {
    pass: ansi(32, 39),
    fail: ansi(31, 39),
    warn: ansi(33, 39),
    dim: ansi(2, 22),
    bold: ansi(1, 22),
  };
}
