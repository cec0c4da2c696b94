import { findStructureProblems, scanStructure } from '@exroute/core';
import type { Diagnostic } from '@exroute/core';
import { childPointer } from './json-pointer.js';

/** Deeper raw payloads are refused: nothing Exstream emits nests this far, and it bounds recursion later. */
export const MAX_RAW_DEPTH = 48;

const NO_PROBLEMS: readonly Diagnostic[] = Object.freeze([]);

/**
 * Reports prototype keys (`__proto__`, `constructor`, `prototype`) anywhere in a parsed JSON
 * value (except inside an object nested too deep, which is not looked into), and the first
 * object or array nested deeper than `MAX_RAW_DEPTH` levels, in document order, so later recursive steps (hashing, copying) can neither be poisoned nor overflow the
 * stack. Uses core's structure walk, the one the router's event check uses.
 */
export function checkRawStructure(value: unknown): readonly Diagnostic[] {
  if (value === null || typeof value !== 'object') return NO_PROBLEMS;
  // Nearly every event is clean: core's allocation-free pass answers that, and only a payload
  // with a problem pays for the walk that reports every problem with its pointer.
  if (scanStructure(value, { maxDepth: MAX_RAW_DEPTH }) === 'clean') return NO_PROBLEMS;
  const diagnostics: Diagnostic[] = [];
  let tooDeepReported = false;
  for (const finding of findStructureProblems(value, MAX_RAW_DEPTH)) {
    if (finding.problem === 'too-deep' && tooDeepReported) continue;
    const pointer = finding.path.reduce<string>((at, key) => childPointer(at, key), '');
    if (finding.problem === 'too-deep') {
      // The first is enough to act on; a payload may hold thousands of them.
      tooDeepReported = true;
      diagnostics.push({
        code: 'EXR_TOO_DEEP',
        severity: 'error',
        message: `raw event nests deeper than ${MAX_RAW_DEPTH} levels; flatten the payload`,
        pointer,
      });
      continue;
    }
    const key = String(finding.path[finding.path.length - 1]);
    diagnostics.push({
      code: 'EXR_FORBIDDEN_KEY',
      severity: 'error',
      message: `key '${key}' is not allowed anywhere in a raw event; rename or remove it`,
      pointer,
    });
  }
  return diagnostics;
}

/** True for a non-null, non-array object: the only thing a raw event or a nested record may be. */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
