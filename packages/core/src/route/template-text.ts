import type { EvaluationScope } from '../compile/evaluation-scope.js';
import { compileFactReader } from '../compile/fact-reader.js';
import type { FactReader } from '../compile/fact-reader.js';
import { parseSimplePath, splitFieldPath } from '../paths/simple-path.js';

/** Called with the placeholder text (e.g. `data.resource.name`) of each field that was missing. */
export type MissingPlaceholderSink = (placeholder: string) => void;

/** A template string with its `{{ path }}` placeholders compiled to fact reads. */
export interface CompiledText {
  /** Renders the text for one event; `onMissing` hears of every placeholder that rendered empty. */
  render(scope: EvaluationScope, onMissing?: MissingPlaceholderSink): string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/**
 * Compiles `"Review {{ data.resource.name }}"`: placeholders use the `when` key syntax (plus
 * `$now`); nothing is ever executed. The loader has checked every placeholder
 * (`EXR_TEMPLATE_PLACEHOLDER`); one that is not a field path is left as written.
 */
export function compileTemplateText(text: string): CompiledText {
  const literals: string[] = [];
  const names: string[] = [];
  const readers: FactReader[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    const field = splitFieldPath(name);
    if (field === undefined) continue;
    literals.push(text.slice(last, match.index));
    names.push(name);
    readers.push(
      compileFactReader(
        field.fact,
        field.path === undefined ? undefined : parseSimplePath(field.path),
      ),
    );
    last = match.index + match[0].length;
  }
  const tail = text.slice(last);
  if (readers.length === 0) return { render: () => text };
  return {
    render(scope, onMissing) {
      let out = '';
      for (let i = 0; i < readers.length; i++) {
        const value = readers[i]!(scope);
        if (value === undefined || value === null) onMissing?.(names[i]!);
        out += literals[i]! + renderValue(value);
      }
      return out + tail;
    },
  };
}

/** String as is, numbers and booleans via String(), objects and arrays as JSON, missing as "". */
function renderValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) return '';
      try {
        return JSON.stringify(value);
      } catch {
        // Only a hand-built (cyclic) event can get here; an empty rendering beats a crash.
        return '';
      }
    case 'undefined':
    case 'symbol':
    case 'function':
      return '';
  }
}
