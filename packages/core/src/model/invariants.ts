import type { Condition } from './condition.js';
import type { SourceLocation } from './diagnostic.js';

// The `invariants:` section (docs/governance.md): notifications no rule, `stop`, priority or
// dispatch policy can defeat. Core's loader checks them, the router adds what they require after
// the rules ran, `@exroute/dispatch` lets what they require through every dropping stage.

/** One invariant: every event matching `for` notifies `require`, whatever the rules say. */
export interface InvariantDefinition {
  id: string;
  description?: string;
  /** The `for` shorthand as written (same syntax as a rule's `when`). */
  for: Readonly<Record<string, unknown>>;
  /** `for` desugared to leaves under one `all`, evaluated exactly like a rule's `condition`. */
  condition: { all: Condition[] };
  require: InvariantRequirement;
  /** Whether a dispatch policy may still group (digest) what it requires; default false. */
  group: boolean;
  location: SourceLocation;
}

/** What an invariant requires of every event it covers. */
export interface InvariantRequirement {
  /** Recipient keys (people or groups), each expanded per channel like a notify entry's `to`. */
  recipients: readonly string[];
  channels: readonly string[];
  /**
   * With a template: a (template, channel) notification reaching the recipients, created when no
   * rule produced it. Without: the recipients are copied on every notification on the channels.
   */
  template?: string;
}
