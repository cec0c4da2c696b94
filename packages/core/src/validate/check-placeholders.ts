import { splitFieldPath } from '../paths/simple-path.js';
import { didYouMean } from './did-you-mean.js';
import { KNOWN_FACTS } from './known-facts.js';
import type { LocatedReporter, Place } from './located-reporter.js';

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/**
 * Checks the `{{ path }}` placeholders of one template text: each must be a simple field path of
 * a known fact (or `$now`), and every `{{` must be closed.
 */
export function checkPlaceholders(text: string, place: Place, reporter: LocatedReporter): void {
  const withoutPlaceholders = text.replace(PLACEHOLDER, '');
  if (withoutPlaceholders.includes('{{') || withoutPlaceholders.includes('}}')) {
    reporter.error(
      'EXR_TEMPLATE_PLACEHOLDER',
      "unbalanced '{{' or '}}'; write placeholders as {{ field.path }}",
      place,
    );
  }
  const seen = new Map<string, number>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    // The same placeholder text may appear twice: each report points at its own occurrence.
    const occurrence = seen.get(match[0]) ?? 0;
    seen.set(match[0], occurrence + 1);
    const inner = (match[1] ?? '').trim();
    const field = splitFieldPath(inner);
    if (field === undefined) {
      reporter.error(
        'EXR_TEMPLATE_PLACEHOLDER',
        `placeholder '{{${match[1] ?? ''}}}' is not a field path; use e.g. {{ documentType }} or {{ data.resource.name }} (no expressions, filters or helpers)`,
        place,
        { within: match[0], occurrence },
      );
    } else if (!KNOWN_FACTS.has(field.fact)) {
      reporter.error(
        'EXR_UNKNOWN_FACT',
        `placeholder '{{${match[1] ?? ''}}}' names unknown field '${field.fact}'; payload fields live under data, e.g. {{ data.${inner} }}`,
        place,
        { within: match[0], occurrence, hint: didYouMean(field.fact, KNOWN_FACTS) },
      );
    }
  }
}
