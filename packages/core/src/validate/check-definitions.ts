import type { Condition } from '../model/condition.js';
import type {
  DueDefinition,
  NotifyDefinition,
  RecipientDefinition,
  RuleDefinition,
  SharedConditionDefinition,
  TemplateDefinition,
} from '../model/rule-set.js';
import type { DefinedNames } from '../operators/operator.js';
import {
  MAX_CONDITION_DEPTH,
  MAX_EXPANDED_CONDITION_NODES,
  MAX_GROUP_DEPTH,
  MAX_REGION_MEMBERSHIPS,
} from '../load/limits.js';
import { deepestGroupChain } from './group-depth.js';
import { describeGrowthChain, expandedConditionSizes } from './condition-size.js';
import { checkCondition } from './check-conditions.js';
import type { ConditionCheckContext } from './check-conditions.js';
import { checkPlaceholders } from './check-placeholders.js';
import { checkPolicySections } from './check-policies.js';
import type { PolicySections } from './check-policies.js';
import type {
  CollectedDefinitions,
  RuleDraft,
  SharedConditionDraft,
} from './collect-definitions.js';
import { ADDRESS_CHANNELS } from './collect-definitions.js';
import { checkWhen } from './check-when.js';
import { didYouMean } from './did-you-mean.js';
import { findCycles } from './find-cycles.js';
import { fromPointer } from './json-pointer.js';
import type { LocatedReporter, Place } from './located-reporter.js';
import { hasOwn, isRecord, stringList, stringOrUndefined, stringRecord } from './shape-guards.js';

/** The parts of a rule set that exist only after every check ran. */
export interface CheckedDefinitions {
  rules: RuleDefinition[];
  sharedConditions: Map<string, SharedConditionDefinition>;
  /** `policies`, `inhibit` and `escalations` (DESIGN.md §8). */
  policySections: PolicySections;
}

/**
 * Runs every cross-reference and semantic check over the merged definitions in one pass and
 * builds the rules (with `when` desugared into `condition`). The result is meaningful only when
 * no error was reported.
 */
export function checkDefinitions(
  defs: CollectedDefinitions,
  reporter: LocatedReporter,
): CheckedDefinitions {
  const names = definedNames(defs);
  checkRegions(defs, reporter);
  checkRecipients(defs, reporter);
  checkTemplates(defs.templates, reporter);

  const used = new Set<string>();
  const context: ConditionCheckContext = {
    reporter,
    names,
    sharedConditions: new Set(defs.sharedConditions.keys()),
    sharedConditionDepth: sharedConditionDepths(defs.sharedConditions),
    onReference: (name) => used.add(name),
  };
  checkSharedConditionCycles(defs.sharedConditions, reporter);
  const sharedConditions = new Map<string, SharedConditionDefinition>();
  for (const shared of defs.sharedConditions.values()) {
    checkCondition(shared.condition, shared.place, context);
    sharedConditions.set(shared.name, {
      name: shared.name,
      condition: shared.condition as Condition,
      location: shared.location,
    });
  }
  const rules = defs.rules.map((draft) => checkRule(draft, defs, context));
  checkExpandedSizes(defs, rules, reporter);
  const policySections = checkPolicySections({
    defs,
    rules,
    context,
    checkNotifyEntry: (entry, place) => checkNotify(entry, place, defs, reporter),
  });
  for (const shared of defs.sharedConditions.values()) {
    if (used.has(shared.name)) continue;
    reporter.warning(
      'EXR_UNUSED_SHARED_CONDITION',
      `shared condition '${shared.name}' is not referenced by any rule or shared condition; remove it or reference it with { condition: ${shared.name} }`,
      shared.place,
      { at: 'key' },
    );
  }
  return { rules, sharedConditions, policySections };
}

/**
 * Bounds what json-rules-engine (and explain) walk per event: each rule's condition with every
 * shared condition written out. Thirty shared conditions that each reference the previous one
 * twice are 2 KB of YAML and 2^30 nodes; the error names the chain that multiplies.
 */
function checkExpandedSizes(
  defs: CollectedDefinitions,
  rules: readonly RuleDefinition[],
  reporter: LocatedReporter,
): void {
  const shared = new Map([...defs.sharedConditions].map(([name, s]) => [name, s.condition]));
  const sizes = expandedConditionSizes(shared, MAX_EXPANDED_CONDITION_NODES);
  rules.forEach((rule, index) => {
    if (sizes.sizeOf(rule.condition) <= MAX_EXPANDED_CONDITION_NODES) return;
    const draft = defs.rules[index]!;
    const key = rule.conditions !== undefined ? 'conditions' : 'when';
    reporter.error(
      'EXR_CONDITION_TOO_LARGE',
      `with its shared conditions written out, rule '${rule.id}' holds more than ${MAX_EXPANDED_CONDITION_NODES} condition nodes (json-rules-engine and explain walk every one per event): ${describeGrowthChain(sizes.growthChain(rule.condition))}; reference each shared condition once, or restructure the chain`,
      { file: draft.place.file, segments: [...draft.place.segments, key] },
      { at: 'key' },
    );
  });
}

function definedNames(defs: CollectedDefinitions): DefinedNames {
  const regions = new Set<string>();
  for (const group of defs.regions.values()) {
    regions.add(group.name);
    for (const member of group.members) regions.add(member);
  }
  return {
    regions,
    calendars: new Set(defs.calendars.keys()),
    regionCalendars: new Set(defs.regionCalendars.keys()),
  };
}

function placeOf(location: { file: string; pointer: string }, ...more: (string | number)[]): Place {
  return { file: location.file, segments: [...fromPointer(location.pointer), ...more] };
}

function checkRegions(defs: CollectedDefinitions, reporter: LocatedReporter): void {
  const graph = new Map<string, string[]>();
  for (const group of defs.regions.values()) {
    graph.set(
      group.name,
      group.members.filter((m) => defs.regions.has(m)),
    );
  }
  const cycles = findCycles(graph);
  for (const cycle of cycles) {
    const first = defs.regions.get(cycle[0]!)!;
    reporter.error(
      'EXR_REGION_CYCLE',
      `region groups contain each other: ${cycle.join(' → ')}; remove one membership`,
      placeOf(first.location),
      { at: 'key' },
    );
  }
  const chain = deepestGroupChain(graph);
  if (chain.length > MAX_GROUP_DEPTH) {
    reporter.error(
      'EXR_GROUP_TOO_DEEP',
      `region groups nest ${chain.length} levels deep (at most ${MAX_GROUP_DEPTH}): ${describeChain(chain)}; flatten the hierarchy`,
      placeOf(defs.regions.get(chain[0]!)!.location),
      { at: 'key' },
    );
  } else if (cycles.length === 0) {
    checkRegionMemberships(defs, graph, reporter);
  }
}

/** `a → b → c → … → z`, shortened in the middle for long chains. */
function describeChain(chain: readonly string[]): string {
  return chain.length <= 8
    ? chain.join(' → ')
    : [...chain.slice(0, 4), '…', ...chain.slice(-2)].join(' → ');
}

/**
 * Bounds what the routers build for `within`: every group with all it contains at any depth.
 * Counted with the same walk, stopping at the budget, so the check costs at most the budget.
 */
function checkRegionMemberships(
  defs: CollectedDefinitions,
  graph: ReadonlyMap<string, readonly string[]>,
  reporter: LocatedReporter,
): void {
  let total = 0;
  for (const group of defs.regions.values()) {
    const members = new Set<string>([group.name]);
    const pending = [group.name];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      for (const member of defs.regions.get(next)?.members ?? []) {
        if (members.has(member)) continue;
        members.add(member);
        if (graph.has(member)) pending.push(member);
      }
    }
    total += members.size;
    if (total > MAX_REGION_MEMBERSHIPS) {
      reporter.error(
        'EXR_REGION_GROUPS_TOO_LARGE',
        `region groups expand to more than ${MAX_REGION_MEMBERSHIPS} (group, member) pairs when every group is written out with all it contains (reached at '${group.name}'); nest fewer large groups inside many others`,
        placeOf(group.location),
        { at: 'key' },
      );
      return;
    }
  }
}

function checkRecipients(defs: CollectedDefinitions, reporter: LocatedReporter): void {
  const graph = new Map<string, string[]>();
  for (const recipient of defs.recipients.values()) {
    graph.set(
      recipient.key,
      recipient.members.filter((m) => defs.recipients.has(m)),
    );
    recipient.members.forEach((member, index) => {
      if (defs.recipients.has(member)) return;
      reporter.error(
        'EXR_UNKNOWN_RECIPIENT',
        `members of '${recipient.key}' names '${member}', which is not in recipients`,
        placeOf(recipient.location, 'members', index),
        { hint: didYouMean(member, defs.recipients.keys()) },
      );
    });
    if (recipient.members.length === 0 && Object.keys(recipient.addresses).length === 0) {
      reporter.warning(
        'EXR_RECIPIENT_WITHOUT_ADDRESS',
        `recipient '${recipient.key}' has no address and no members, so it never receives anything; add email/sms/fax/whatsapp or members`,
        placeOf(recipient.location),
        { at: 'key' },
      );
    }
  }
  for (const cycle of findCycles(graph)) {
    const first = defs.recipients.get(cycle[0]!)!;
    reporter.error(
      'EXR_RECIPIENT_CYCLE',
      `recipient groups contain each other: ${cycle.join(' → ')}; remove one of these members`,
      placeOf(first.location),
      { at: 'key' },
    );
  }
  const chain = deepestGroupChain(graph);
  if (chain.length > MAX_GROUP_DEPTH) {
    reporter.error(
      'EXR_GROUP_TOO_DEEP',
      `recipient groups nest ${chain.length} levels deep through members (at most ${MAX_GROUP_DEPTH}): ${describeChain(chain)}; flatten the groups`,
      placeOf(defs.recipients.get(chain[0]!)!.location),
      { at: 'key' },
    );
  }
}

function checkTemplates(
  templates: ReadonlyMap<string, TemplateDefinition>,
  reporter: LocatedReporter,
): void {
  for (const template of templates.values()) {
    if (template.subject !== undefined) {
      checkPlaceholders(template.subject, placeOf(template.location, 'subject'), reporter);
    }
    for (const [name, text] of Object.entries(template.params)) {
      checkPlaceholders(text, placeOf(template.location, 'params', name), reporter);
    }
    if (template.digest !== undefined) {
      checkPlaceholders(
        template.digest.line,
        placeOf(template.location, 'digest', 'line'),
        reporter,
      );
    }
  }
}

/** Names a condition references through `{ condition: name }`, found without recursion. */
function referencedConditions(condition: unknown): string[] {
  const names: string[] = [];
  const stack: unknown[] = [condition];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isRecord(node)) continue;
    if (typeof node['condition'] === 'string') names.push(node['condition']);
    if (Array.isArray(node['all'])) stack.push(...(node['all'] as unknown[]));
    if (Array.isArray(node['any'])) stack.push(...(node['any'] as unknown[]));
    if (hasOwn(node, 'not')) stack.push(node['not']);
  }
  return names;
}

function checkSharedConditionCycles(
  shared: ReadonlyMap<string, SharedConditionDraft>,
  reporter: LocatedReporter,
): void {
  const graph = new Map<string, string[]>();
  for (const entry of shared.values()) graph.set(entry.name, referencedConditions(entry.condition));
  for (const cycle of findCycles(graph)) {
    reporter.error(
      'EXR_CONDITION_CYCLE',
      `shared conditions reference each other in a cycle: ${cycle.join(' → ')}; break the cycle`,
      shared.get(cycle[0]!)!.place,
      { at: 'key' },
    );
  }
}

/**
 * Depth each shared condition adds when expanded (references followed, cycles cut), memoised;
 * capped just past the limit so a deep chain costs bounded work.
 */
function sharedConditionDepths(
  shared: ReadonlyMap<string, SharedConditionDraft>,
): (name: string) => number {
  const memo = new Map<string, number>();
  const inProgress = new Set<string>();
  const cap = MAX_CONDITION_DEPTH + 1;
  const depthOfName = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const entry = shared.get(name);
    if (entry === undefined || inProgress.has(name)) return 0;
    inProgress.add(name);
    const depth = depthOf(entry.condition, 1);
    inProgress.delete(name);
    memo.set(name, depth);
    return depth;
  };
  const depthOf = (node: unknown, level: number): number => {
    if (!isRecord(node) || level > cap) return level;
    if (typeof node['condition'] === 'string') return level - 1 + depthOfName(node['condition']);
    let deepest = level;
    const children: unknown[] = [
      ...(Array.isArray(node['all']) ? (node['all'] as unknown[]) : []),
      ...(Array.isArray(node['any']) ? (node['any'] as unknown[]) : []),
      ...(hasOwn(node, 'not') ? [node['not']] : []),
    ];
    for (const child of children) deepest = Math.max(deepest, depthOf(child, level + 1));
    return Math.min(deepest, cap + 1);
  };
  return depthOfName;
}

function checkRule(
  draft: RuleDraft,
  defs: CollectedDefinitions,
  context: ConditionCheckContext,
): RuleDefinition {
  const { raw, place } = draft;
  const { reporter } = context;
  const at = (...more: (string | number)[]): Place => ({
    file: place.file,
    segments: [...place.segments, ...more],
  });

  const whenValue = isRecord(raw['when']) ? raw['when'] : undefined;
  const leaves = whenValue === undefined ? [] : checkWhen(whenValue, at('when'), context);

  const conditions = raw['conditions'];
  if (conditions !== undefined) checkCondition(conditions, at('conditions'), context);

  const notifyList = Array.isArray(raw['notify']) ? (raw['notify'] as unknown[]) : [];
  const notify = notifyList.flatMap((entry, index) =>
    isRecord(entry) ? [checkNotify(entry, at('notify', index), defs, reporter)] : [],
  );

  const effective = isRecord(raw['effective']) ? raw['effective'] : undefined;
  return {
    id: stringOrUndefined(raw['id']) ?? '',
    ...optional('description', stringOrUndefined(raw['description'])),
    ...optional('owner', stringOrUndefined(raw['owner'])),
    ...optional('approvedBy', stringOrUndefined(raw['approvedBy'])),
    ...optional('ticket', stringOrUndefined(raw['ticket'])),
    ...optional('reviewBy', stringOrUndefined(raw['reviewBy'])),
    priority: typeof raw['priority'] === 'number' ? raw['priority'] : 0,
    order: draft.order,
    ...optional('when', whenValue),
    ...optional(
      'conditions',
      isRecord(conditions) ? (conditions as unknown as Condition) : undefined,
    ),
    condition: {
      all: [
        ...leaves.map((leaf) => leaf.condition),
        ...(isRecord(conditions) ? [conditions as unknown as Condition] : []),
      ],
    },
    notify,
    stop: raw['stop'] === true,
    ...optional(
      'effective',
      effective === undefined
        ? undefined
        : {
            ...optional('from', stringOrUndefined(effective['from'])),
            ...optional('until', stringOrUndefined(effective['until'])),
            ...optional('calendar', stringOrUndefined(effective['calendar'])),
          },
    ),
    location: draft.location,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** Recipient/channel combinations already checked for missing addresses, per load. */
const missingAddressChecks = new WeakMap<CollectedDefinitions, Set<string>>();

function missingAddressWarned(defs: CollectedDefinitions): Set<string> {
  let warned = missingAddressChecks.get(defs);
  if (warned === undefined) missingAddressChecks.set(defs, (warned = new Set()));
  return warned;
}

function checkNotify(
  entry: Record<string, unknown>,
  place: Place,
  defs: CollectedDefinitions,
  reporter: LocatedReporter,
): NotifyDefinition {
  const at = (...more: (string | number)[]): Place => ({
    file: place.file,
    segments: [...place.segments, ...more],
  });
  const to = stringList(entry['to']);
  const templateKey = stringOrUndefined(entry['template']) ?? '';
  to.forEach((key, index) => {
    if (defs.recipients.has(key)) return;
    reporter.error(
      'EXR_UNKNOWN_RECIPIENT',
      `recipient '${key}' is not defined under recipients`,
      at('to', index),
      {
        hint: didYouMean(key, defs.recipients.keys()),
      },
    );
  });
  const template = defs.templates.get(templateKey);
  if (template === undefined && typeof entry['template'] === 'string') {
    reporter.error(
      'EXR_UNKNOWN_TEMPLATE',
      `template '${templateKey}' is not defined under templates`,
      at('template'),
      {
        hint: didYouMean(templateKey, defs.templates.keys()),
      },
    );
  }
  const ownChannels = Array.isArray(entry['channels']) ? stringList(entry['channels']) : undefined;
  // An unknown channel (`e-mail`) is the schema's finding; no address or template can have it.
  const knownChannel = (channel: string): boolean =>
    (ADDRESS_CHANNELS as readonly string[]).includes(channel);
  if (ownChannels !== undefined && template !== undefined) {
    ownChannels.forEach((channel, index) => {
      if (template.channels.includes(channel) || !knownChannel(channel)) return;
      reporter.warning(
        'EXR_CHANNEL_NOT_IN_TEMPLATE',
        `template '${template.key}' does not list channel '${channel}'; check the template exists on that channel in Notifications`,
        at('channels', index),
      );
    });
  }
  const channels = ownChannels ?? template?.channels ?? [];
  const warned = missingAddressWarned(defs);
  to.forEach((key, index) => {
    // A recipient without an address on a channel is worth one warning, where it is first
    // reached: a thousand rules notifying a thousand-member team must not cost a million.
    const combination = `${key}\u0000${channels.join('\u0000')}`;
    if (warned.has(combination)) return;
    warned.add(combination);
    for (const { leaf, via } of expandRecipient(key, defs.recipients)) {
      for (const channel of channels) {
        if ((leaf.addresses[channel]?.length ?? 0) > 0 || !knownChannel(channel)) continue;
        if (warned.has(`${leaf.key}\u0001${channel}`)) continue;
        warned.add(`${leaf.key}\u0001${channel}`);
        reporter.warning(
          'EXR_NO_ADDRESS_FOR_CHANNEL',
          `recipient '${leaf.key}'${via.length > 0 ? ` (via ${via.join(' → ')})` : ''} has no ${channel} address, so it gets no ${channel} notification from this entry; add one or drop the channel`,
          at('to', index),
        );
      }
    }
  });
  const params = isRecord(entry['params']) ? stringRecord(entry['params']) : undefined;
  for (const [name, text] of Object.entries(params ?? {})) {
    checkPlaceholders(text, at('params', name), reporter);
  }
  const due = isRecord(entry['due']) ? dueFrom(entry['due']) : undefined;
  return {
    to,
    template: templateKey,
    ...optional('channels', ownChannels),
    ...optional('severity', stringOrUndefined(entry['severity'])),
    ...optional('params', params),
    ...optional('due', due),
    ...optional(
      'deferUntil',
      entry['deferUntil'] === 'businessHours' ? ('businessHours' as const) : undefined,
    ),
    ...optional('policy', stringOrUndefined(entry['policy'])),
    ...optional('escalate', stringOrUndefined(entry['escalate'])),
    location: reporter.locate(place),
  };
}

function dueFrom(raw: Record<string, unknown>): DueDefinition {
  const due: DueDefinition = {};
  for (const key of ['hours', 'businessHours', 'businessDays'] as const) {
    const value = raw[key];
    if (typeof value === 'number') due[key] = value;
  }
  return due;
}

/** Leaves reached from a recipient key, depth-first, each with the groups it was reached through. */
function expandRecipient(
  key: string,
  recipients: ReadonlyMap<string, RecipientDefinition>,
): { leaf: RecipientDefinition; via: string[] }[] {
  const result: { leaf: RecipientDefinition; via: string[] }[] = [];
  const seen = new Set<string>();
  const stack: { key: string; via: string[] }[] = [{ key, via: [] }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    const entry = recipients.get(next.key);
    if (entry === undefined || seen.has(next.key)) continue;
    seen.add(next.key);
    if (entry.members.length === 0) {
      result.push({ leaf: entry, via: next.via });
      continue;
    }
    for (let i = entry.members.length - 1; i >= 0; i--) {
      stack.push({ key: entry.members[i]!, via: [...next.via, entry.key] });
    }
  }
  return result;
}
