import type { NormalizedEvent } from '../model/event.js';
import { EvaluationScope } from '../compile/evaluation-scope.js';
import { compileTemplateText } from '../route/template-text.js';

/** Renders one template text for one event; `now` is the `{{ $now }}` value. */
export type EventTemplate = (event: NormalizedEvent, now?: Date) => string;

/**
 * Compiles a `{{ path }}` text (a dedup or throttle key, a digest line) with the renderer routed
 * notifications use: strings as is, numbers and booleans via String(), objects as JSON, a missing
 * field as the empty string. Trusts `text`: it comes from a rule set the loader checked, which
 * reports a placeholder that is not a field path (`EXR_TEMPLATE_PLACEHOLDER`); such a placeholder
 * renders as written.
 */
export function compileEventTemplate(text: string): EventTemplate {
  const compiled = compileTemplateText(text);
  // Bench (dispatch, grouped ingest): a scope and a clock closure per render were a third of a
  // digest line's cost. Rendering is synchronous and never re-enters a template, so one scope is
  // reset per call, as the router does.
  let instant: Date | undefined;
  const scope = new EvaluationScope({}, () => (instant ??= new Date()));
  return (event, now) => {
    instant = now;
    scope.reset(event);
    try {
      return compiled.render(scope);
    } finally {
      instant = undefined;
      scope.reset(RELEASED);
    }
  };
}

/** What a template's reused scope points at between renders (it keeps no event alive). */
const RELEASED: object = Object.freeze({});

/**
 * Reads one event field path (`correlationId`, `data.batchId`) as text, the way `group.by` and
 * `equal` compare fields: rendered like a placeholder, so a missing field reads as `''`.
 */
export function createFieldReader(path: string): (event: NormalizedEvent) => string {
  const template = compileEventTemplate(`{{ ${path} }}`);
  const epoch = new Date(0);
  return (event) => template(event, epoch);
}
