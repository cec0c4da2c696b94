/**
 * Glob patterns for mapping rules: `*` matches any run of characters (also none), `?` exactly one,
 * everything else itself, case-sensitively. Matching is a linear two-pointer scan with a single
 * backtrack point, never a regular expression, so no pattern can make a match slow.
 */
export type GlobMatcher = (text: string) => boolean;

/** Compiles one glob pattern into a matcher. */
export function compileGlob(pattern: string): GlobMatcher {
  if (!pattern.includes('*') && !pattern.includes('?')) return (text) => text === pattern;
  const star = pattern.indexOf('*');
  if (star === pattern.length - 1 && !pattern.includes('?')) {
    const prefix = pattern.slice(0, -1);
    return (text) => text.startsWith(prefix);
  }
  return (text) => wildcardMatch(pattern, text);
}

function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starAt = p++;
      resumeAt = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starAt >= 0) {
      p = starAt + 1;
      t = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
