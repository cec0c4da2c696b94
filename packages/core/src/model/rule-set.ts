import type { CHECKED } from './checked-rule-set.js';
import type { Condition } from './condition.js';
import type { Diagnostic, SourceLocation } from './diagnostic.js';
import type {
  DigestDefinition,
  EscalationDefinition,
  InhibitRuleDefinition,
  PolicyDefinition,
} from './policies.js';
import type { InvariantDefinition } from './invariants.js';

/**
 * A loaded, validated rule set: the raw definitions from one or more files merged into one
 * value. It is data only — `createRouter` compiles it into a Router. Directories are Maps so a
 * key can never collide with an Object prototype member. Only the loader (`checkRuleSet`,
 * `parseRuleSet`, `loadRuleSet`) produces one, and the router trusts it without checking again:
 * build a rule set in code as rule-file text (JSON is YAML) and pass it through `checkRuleSet`.
 */
export interface RuleSet {
  /** The loader's brand: checked once, trusted after (see `checkRuleSet`). */
  readonly [CHECKED]: true;
  /** Content hash of everything that affects routing; see docs/authoring-rules.md. */
  readonly version: string;
  /** The files it was loaded from, in load order (`<inline>` or the given filename for text). */
  readonly files: readonly string[];
  /** `metadata` of each file, in load order. */
  readonly metadata: readonly RuleFileMetadata[];
  /** Region group → direct members (codes or other groups). */
  readonly regions: ReadonlyMap<string, RegionGroupDefinition>;
  readonly recipients: ReadonlyMap<string, RecipientDefinition>;
  readonly templates: ReadonlyMap<string, TemplateDefinition>;
  /** Named conditions that rules reference with `{ condition: name }`. */
  readonly sharedConditions: ReadonlyMap<string, SharedConditionDefinition>;
  readonly calendars: ReadonlyMap<string, CalendarDefinition>;
  /** Region code or region group → calendar name. */
  readonly regionCalendars: ReadonlyMap<string, RegionCalendarDefinition>;
  /** Every rule in file order (files in load order); not yet sorted by priority. */
  readonly rules: readonly RuleDefinition[];
  /** Notification policies by name (DESIGN.md §8); empty when no file declares any. */
  readonly policies: ReadonlyMap<string, PolicyDefinition>;
  /** Inhibit rules in file order. */
  readonly inhibitRules: readonly InhibitRuleDefinition[];
  /** Escalation chains by name. */
  readonly escalations: ReadonlyMap<string, EscalationDefinition>;
  /**
   * Invariants in file order (docs/governance.md); absent or empty when no file declares any.
   * Optional so rule sets built by hand before the section existed stay valid.
   */
  readonly invariants?: readonly InvariantDefinition[];
  /** Warnings found while loading (errors throw a RuleSetError instead). */
  readonly warnings: readonly Diagnostic[];
}

/** The `metadata` block of one rule file. */
export interface RuleFileMetadata {
  file: string;
  name?: string;
  owner?: string;
  description?: string;
  labels?: Record<string, string>;
}

/** A named group of regions; members are region codes or other group names. */
export interface RegionGroupDefinition {
  name: string;
  members: readonly string[];
  location: SourceLocation;
}

/**
 * An entry of the recipient directory: addresses per channel, or `members` naming other
 * entries (groups nest; cycles are rejected at load).
 */
export interface RecipientDefinition {
  key: string;
  /** Channel → addresses, e.g. `email` → [`ops@example.com`]; values normalised to arrays. */
  addresses: Readonly<Record<string, readonly string[]>>;
  members: readonly string[];
  description?: string;
  location: SourceLocation;
}

/** A message template known to OpenText Notifications under `id`. */
export interface TemplateDefinition {
  key: string;
  /** The id the Notifications side knows. */
  id: string;
  channels: readonly string[];
  /** `{{ path }}` placeholders are rendered from the event. */
  subject?: string;
  params: Readonly<Record<string, string>>;
  /** How grouped items render into a flush (`count`, `firstAt`, `lastAt`, `lines`, `more`). */
  digest?: DigestDefinition;
  description?: string;
  location: SourceLocation;
}

/** A named condition that rules can reference. */
export interface SharedConditionDefinition {
  name: string;
  condition: Condition;
  location: SourceLocation;
}

/** A business calendar (DESIGN.md §7). */
export interface CalendarDefinition {
  name: string;
  /** IANA time zone name. */
  timezone: string;
  /** Working days: `mon` … `sun`. */
  days: readonly Weekday[];
  /** Working hours as local `HH:mm-HH:mm` ranges, sorted, not overlapping. */
  hours: readonly string[];
  /** Local dates `YYYY-MM-DD` that are not working days. */
  holidays: readonly string[];
  location: SourceLocation;
}

/** A day of the week as written in calendars. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Region code or region group → calendar name. */
export interface RegionCalendarDefinition {
  region: string;
  calendar: string;
  location: SourceLocation;
}

/** One routing rule, as written (plus its position and global order). */
export interface RuleDefinition {
  id: string;
  description?: string;
  /** Review metadata (who answers for the rule); never affects routing or `version`. */
  owner?: string;
  /** Review metadata: who approved the rule as it stands. */
  approvedBy?: string;
  /** Review metadata: the change ticket or reference behind the rule. */
  ticket?: string;
  /** Review metadata: `YYYY-MM-DD`, a real date (checked at load); `exroute lint` warns once past. */
  reviewBy?: string;
  /** Higher runs first; ties keep file order. Default 0. */
  priority: number;
  /** Global file order, 0-based: the tie-breaker after `priority`. */
  order: number;
  /** The shorthand as written (field path → value, list or `{ operator: value }`). */
  when?: Readonly<Record<string, unknown>>;
  /** The json-rules-engine conditions as written. */
  conditions?: Condition;
  /**
   * What the rule matches on: `when` desugared to leaf conditions and ANDed with `conditions`,
   * always a top-level `all`. Both routers evaluate exactly this.
   */
  condition: { all: Condition[] };
  notify: readonly NotifyDefinition[];
  /** When true, no lower-ordered rule may match an event this rule matched. */
  stop: boolean;
  effective?: EffectiveDefinition;
  location: SourceLocation;
}

/** Rule-level validity window (inclusive local dates). */
export interface EffectiveDefinition {
  /** `YYYY-MM-DD`, inclusive. */
  from?: string;
  /** `YYYY-MM-DD`, inclusive. */
  until?: string;
  /** Calendar whose time zone interprets the dates; UTC when absent. */
  calendar?: string;
}

/** One `notify` entry of a rule. */
export interface NotifyDefinition {
  /** Recipient keys (people or groups). */
  to: readonly string[];
  /** Template key. */
  template: string;
  /** Overrides the template's channels. */
  channels?: readonly string[];
  severity?: string;
  /** Extra params rendered like the template's (override same-named template params). */
  params?: Readonly<Record<string, string>>;
  due?: DueDefinition;
  deferUntil?: 'businessHours';
  /** Name of a `policies` entry the dispatcher applies to this notification. */
  policy?: string;
  /** Name of an `escalations` entry started by this notification. */
  escalate?: string;
  location: SourceLocation;
}

/** When a notification is due, relative to the routing instant. */
export interface DueDefinition {
  hours?: number;
  businessHours?: number;
  businessDays?: number;
}
