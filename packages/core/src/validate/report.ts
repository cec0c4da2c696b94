import type { Diagnostic } from '../model/diagnostic.js';

/** The sink every check reports into, so one pass collects every problem (yaml's onError style). */
export type Report = (diagnostic: Diagnostic) => void;
