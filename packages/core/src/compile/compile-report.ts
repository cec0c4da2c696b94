import type { Diagnostic, SourceLocation } from '../model/diagnostic.js';
import { RuleSetError } from '../model/errors.js';

/**
 * Collects every problem `createRouter` finds in a rule set that did not come through the loader
 * (or was altered after loading), so one `RuleSetError` names all of them. Rule sets from
 * `parseRuleSet` / `loadRuleSet` never produce any: the loader reports the same codes first.
 */
export class CompileReport {
  private readonly diagnostics: Diagnostic[] = [];

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
    this.diagnostics.push(diagnostic);
  }

  /** Throws one `RuleSetError` carrying every recorded problem, if there is any. */
  throwIfAny(): void {
    if (this.diagnostics.length > 0) throw new RuleSetError(this.diagnostics);
  }
}
