import { NormalizationError } from '../errors.js';
import { checkRawStructure, isPlainRecord } from '../raw/raw-structure.js';

/**
 * The raw payload as a JSON object, once it passed the structural checks (no prototype keys,
 * bounded nesting); throws NormalizationError otherwise, with EXR_UNKNOWN_SHAPE naming what was
 * expected (`shapeName`, e.g. "a tracking event") when the payload is not an object.
 */
export function requireRawRecord(raw: unknown, shapeName: string): Record<string, unknown> {
  const structure = checkRawStructure(raw);
  if (structure.length > 0) throw new NormalizationError([...structure]);
  if (!isPlainRecord(raw)) {
    throw new NormalizationError([
      {
        code: 'EXR_UNKNOWN_SHAPE',
        severity: 'error',
        message: `${shapeName} must be a JSON object`,
        pointer: '',
      },
    ]);
  }
  return raw;
}
