import type { Mapping } from '../mapping/model.js';

/** Options every normalizer accepts. */
export interface NormalizeOptions {
  /** Derives documentType, priority, region and tenant; `DEFAULT_MAPPING` when omitted. */
  mapping?: Mapping;
}
