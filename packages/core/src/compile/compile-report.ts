import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import { RuleSetError } from '../model/errors.js';

/**
 * Collects every problem `createRouter` finds in a rule set that did not come through the loader
 * (or was altered after loading), so one `RuleSetError` names all of them. Rule sets from
 * `parseRuleSet` / `loadRuleSet` never produce any: the loader reports the same codes first.
 */
export class CompileReport {
  private readonly diagnostics: Diagnostic[] = [];
  /** The same problem found twice (e.g. once per channel of a notify entry) is reported once. */
  private readonly seen = new Set<string>();

  /** Records one error at `location`, with `pointer` relative to the definition's own pointer. */
  error(
    code: string,
    message: string,
    location: SourceLocation | undefined,
    pointer = '',
    hint?: string,
  ): void {
    const diagnostic: Diagnostic = { code, severity: 'error', message };
    if (location !== undefined) {
      diagnostic.file = location.file;
      diagnostic.line = location.line;
      diagnostic.column = location.column;
      diagnostic.pointer = `${location.pointer}${pointer}`;
    } else if (pointer !== '') {
      diagnostic.pointer = pointer;
    }
    if (hint !== undefined) diagnostic.hint = hint;
    const identity = `${code}\u0000${diagnostic.file ?? ''}\u0000${diagnostic.pointer ?? ''}\u0000${message}`;
    if (this.seen.has(identity)) return;
    this.seen.add(identity);
    this.diagnostics.push(diagnostic);
  }

  /** Throws one `RuleSetError` carrying every recorded problem, if there is any. */
  throwIfAny(): void {
    if (this.diagnostics.length > 0) throw new RuleSetError(this.diagnostics);
  }
}
