import { ExrouteError } from '../model/errors.js';

/**
 * Thrown by the reference router when json-rules-engine itself fails on an event — for example
 * a TypeError where exroute's verdict is simply false (`in` against a value that is not a list).
 * The original failure is kept as `cause`.
 */
export class ReferenceEvaluationError extends ExrouteError {
  constructor(eventId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'EXR_REFERENCE_EVALUATION_FAILED',
      `json-rules-engine failed on event '${eventId}': ${reason}`,
      [
        {
          code: 'EXR_REFERENCE_EVALUATION_FAILED',
          severity: 'error',
          message:
            `json-rules-engine failed on event '${eventId}': ${reason}. ` +
            'This happens where json-rules-engine throws and exroute answers false ' +
            '(e.g. `in` or a `someValue:` decorator against a value that is not a list); ' +
            'use the compiled router, or give the condition a list value.',
          pointer: '/id',
        },
      ],
    );
    this.cause = cause;
  }
}
