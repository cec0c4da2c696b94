import type { Mapping } from './model.js';

/**
 * The mapping used when none is given: manifest fields named `DocumentType`, `Priority`, `Region`
 * fill those fields, customer references come from `CustomerId` / `CustomerNumber`, and failed
 * batches and deliveries are `high` priority. Nothing else is inferred.
 */
export const DEFAULT_MAPPING: Mapping = Object.freeze({
  rules: Object.freeze([
    Object.freeze({
      description: 'failed batches and failed deliveries need attention',
      match: Object.freeze({ eventType: Object.freeze(['batch.failed', 'delivery.failed']) }),
      set: Object.freeze({ priority: 'high' as const }),
    }),
  ]),
  fromManifest: Object.freeze({
    documentType: Object.freeze(['DocumentType', 'documentType']),
    priority: Object.freeze(['Priority', 'priority']),
    region: Object.freeze(['Region', 'region']),
    tenant: Object.freeze([]),
    customerReference: Object.freeze([
      'CustomerId',
      'CustomerNumber',
      'customerNumber',
      'AccountNumber',
    ]),
  }),
  channels: Object.freeze({}),
  defaults: Object.freeze({}),
});
