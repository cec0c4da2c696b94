import type { Diagnostic, NormalizedEvent } from '@exroute/core';

/** Where something is defined or was read: a file (or `rev:path` for git input) and a 1-based line. */
export interface DiffPlace {
  file: string;
  line: number;
}

/** The kinds of named definitions the static diff compares. */
export type DefinitionKind =
  | 'rule'
  | 'recipient'
  | 'template'
  | 'policy'
  | 'inhibit'
  | 'escalation'
  | 'calendar'
  | 'regionCalendar'
  | 'region'
  | 'sharedCondition';

/** One definition added, removed or changed between the two rule sets, with its place on each side. */
export interface DefinitionChange {
  kind: DefinitionKind;
  /** Rule id, recipient key, template key, policy name, … */
  key: string;
  change: 'added' | 'removed' | 'changed';
  old?: DiffPlace;
  new?: DiffPlace;
  /** For `changed`: the fields that differ (e.g. `priority`, `stop`, `members`), sorted. */
  fields?: string[];
}

/** One event of a corpus, with the clock to route it at and where it was read. */
export interface CorpusEvent {
  event: NormalizedEvent;
  /** The router clock for this event, RFC 3339; the event's `time` when absent. */
  at?: string;
  origin: DiffPlace;
}

/** What an impact entry is about. */
export type ImpactAspect = 'recipient' | 'template' | 'channel' | 'policy';

/** One thing a group of events gains or loses, with how many events and one example. */
export interface ImpactChange {
  change: 'gained' | 'lost';
  aspect: ImpactAspect;
  /**
   * `recipient`: `key <address> via template/channel`; `template`: the template key; `channel`:
   * the channel; `policy`: `policy via template/channel`.
   */
  value: string;
  /** Events of the group with this change. */
  events: number;
  /** The first such event of the corpus. */
  example: { eventId: string; origin: DiffPlace };
}

/** The events of one (event type, document type, region) and what changes for them. */
export interface ImpactGroup {
  type: string;
  /** Absent when the events carry none. */
  documentType?: string;
  region?: string;
  /** Events of the corpus in this group. */
  events: number;
  /** Events of the group whose routing changed in any aspect. */
  changedEvents: number;
  /** Gains and losses, losses first, then by aspect and value. */
  changes: ImpactChange[];
}

/** The whole answer of `diffRuleSets`: plain data, ready for JSON. */
export interface RuleSetDiff {
  old: { label: string; version: string; files: string[] };
  new: { label: string; version: string; files: string[] };
  /** Static differences, by kind (in the order of `DefinitionKind`), then key. */
  definitions: DefinitionChange[];
  impact: {
    /** Events read (routed on both sides, or reported in `diagnostics`). */
    events: number;
    /** Events routed through both rule sets. */
    routed: number;
    /** Events whose routing changed at all / that lost something / that gained something. */
    changed: number;
    withLoss: number;
    withGain: number;
    /** Only groups with at least one change, sorted by type, document type, region. */
    groups: ImpactGroup[];
  };
  /** Corpus lines or events that could not be routed on one side or both, located. */
  diagnostics: Diagnostic[];
}
