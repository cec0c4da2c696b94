import type { ErrorObject, ValidateFunction } from 'ajv';

/**
 * Every JSON Schema error of `data`, with the list under `key` validated one item at a time:
 * the document with only its first item through `whole`, then each further item through `item`
 * (the schema's definition of one entry), paths re-based onto the list. ajv with allErrors
 * concatenates the accumulated error list at every failing `$ref`, which is quadratic in the
 * number of faulty items when one call validates them all. Lists shorter than two, or longer
 * than `maxItems` (so the schema's own `maxItems` error is reported), are validated whole.
 */
export function schemaErrorsItemByItem(
  whole: ValidateFunction,
  item: ValidateFunction,
  data: unknown,
  key: string,
  maxItems = Number.POSITIVE_INFINITY,
): ErrorObject[] {
  const record = data as Record<string, unknown> | null;
  const items = record !== null && typeof record === 'object' ? record[key] : undefined;
  if (!Array.isArray(items) || items.length < 2 || items.length > maxItems) {
    return whole(data) ? [] : [...(whole.errors ?? [])];
  }
  const errors: ErrorObject[] = [];
  if (!whole({ ...record, [key]: items.slice(0, 1) })) errors.push(...(whole.errors ?? []));
  for (let index = 1; index < items.length; index++) {
    if (item(items[index])) continue;
    for (const error of item.errors ?? []) {
      errors.push({ ...error, instancePath: `/${key}/${index}${error.instancePath}` });
    }
  }
  return errors;
}
