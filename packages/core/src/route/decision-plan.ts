import type { MatchedRule } from '../model/decision.js';
import { PRIORITIES } from '../model/event.js';
import type {
  NotifyDefinition,
  RuleDefinition,
  RuleSet,
  TemplateDefinition,
} from '../model/rule-set.js';
import { internString } from '../compile/intern-string.js';
import { compileEffective } from '../time/effective.js';
import type { TimeContext } from '../time/time-context.js';
import { RecipientDirectory } from './recipient-expansion.js';
import type { NumberedRecipient } from './recipient-expansion.js';
import { compileTemplateText } from './template-text.js';
import type { CompiledText } from './template-text.js';

/** One `notify` entry, ready to render: its template, merged params and severity rank. */
export interface NotifyPlan {
  readonly template: TemplateDefinition;
  readonly subject: CompiledText | undefined;
  /** Template params overridden by the entry's own, in template order then the entry's extras. */
  readonly params: readonly (readonly [name: string, text: CompiledText])[];
  readonly severity: string | undefined;
  /** Position in low < normal < high < critical; -1 for a severity outside that list. */
  readonly severityRank: number;
  /** The entry as written, for `due` / `deferUntil` (computed by the time module). */
  readonly definition: NotifyDefinition;
  /** Whether the entry sets `due` or `deferUntil`. */
  readonly timed: boolean;
}

/** What one notify entry adds to one (template, channel) notification. */
export interface Contribution {
  /** Index into `DecisionPlan.slots`. */
  readonly slot: number;
  readonly notify: NotifyPlan;
  /** Already expanded and de-duplicated within the entry. */
  readonly recipients: readonly NumberedRecipient[];
}

/** One (template, channel) pair some rule can notify on. */
export interface SlotPlan {
  readonly template: string;
  readonly templateId: string;
  readonly channel: string;
}

/** A rule in evaluation order, with everything decided about it at compile time. */
export interface RulePlan {
  /** Position in evaluation order (priority desc, then file order). */
  readonly rank: number;
  readonly rule: RuleDefinition;
  /** Frozen; shared by every decision that lists the rule. */
  readonly matched: MatchedRule;
  /** Whether the routing instant is inside `effective`; `undefined` when always effective. */
  readonly isEffective: ((now: Date) => boolean) | undefined;
  readonly stop: boolean;
  readonly contributions: readonly Contribution[];
  /**
   * Each contribution alone, when no two share a (template, channel): then a decision with this
   * rule as its only match needs no merging. `undefined` when merging is needed.
   */
  readonly unmerged: readonly (readonly Contribution[])[] | undefined;
}

/**
 * Everything about a rule set that does not depend on conditions: evaluation order, `effective`
 * windows, `stop`, and per rule the notifications it contributes with recipients expanded once.
 * The compiled router and the json-rules-engine reference build decisions from the same plan.
 */
export interface DecisionPlan {
  readonly ruleSet: RuleSet;
  /** Every rule, in evaluation order. */
  readonly rules: readonly RulePlan[];
  readonly slots: readonly SlotPlan[];
  /** Distinct (key, address) pairs; bounds the recipient ids. */
  readonly recipientCount: number;
  /** Whether rendering a decision reads the clock (`due`, `{{ $now }}`), so it is read first. */
  readonly rendersWithClock: boolean;
  /** Calendars, for `effective`, `due` and `deferUntil`. */
  readonly time: TimeContext;
}

/** A template's subject and params, compiled once however many rules use it. */
interface CompiledTemplate {
  readonly subject: CompiledText | undefined;
  readonly params: readonly (readonly [name: string, text: CompiledText])[];
}

/**
 * The one evaluation order, used by both routers and by lint: priority descending, then global
 * file order (`order`). Returns a new array; `rules` is left as it is.
 */
export function evaluationOrder(rules: readonly RuleDefinition[]): RuleDefinition[] {
  return [...rules].sort((a, b) => b.priority - a.priority || a.order - b.order);
}

/**
 * Builds the plan. Trusts `ruleSet` (from the loader): every template, recipient, calendar and
 * placeholder it names exists and is well formed.
 */
export function createDecisionPlan(ruleSet: RuleSet, time: TimeContext): DecisionPlan {
  const directory = new RecipientDirectory(ruleSet.recipients);
  const slots: SlotPlan[] = [];
  const slotIds = new Map<string, number>();
  let rendersWithClock = false;

  const slotOf = (template: TemplateDefinition, channel: string): number => {
    const id = `${template.key}\u0000${channel}`;
    let slot = slotIds.get(id);
    if (slot === undefined) {
      slot = slots.length;
      slotIds.set(id, slot);
      slots.push(Object.freeze({ template: template.key, templateId: template.id, channel }));
    }
    return slot;
  };

  const compiledTemplates = new Map<string, CompiledTemplate>();
  const text = (source: string): CompiledText => {
    if (source.includes('$now')) rendersWithClock = true;
    return compileTemplateText(source);
  };
  const compiledTemplate = (template: TemplateDefinition): CompiledTemplate => {
    let compiled = compiledTemplates.get(template.key);
    if (compiled === undefined) {
      compiled = {
        subject: template.subject === undefined ? undefined : text(template.subject),
        params: Object.entries(template.params).map(
          ([name, source]) => [internString(name), text(source)] as const,
        ),
      };
      compiledTemplates.set(template.key, compiled);
    }
    return compiled;
  };

  const planNotify = (notify: NotifyDefinition, template: TemplateDefinition): NotifyPlan => {
    const compiled = compiledTemplate(template);
    let params = compiled.params;
    if (notify.params !== undefined && Object.keys(notify.params).length > 0) {
      const merged = new Map(params.map((entry) => [entry[0], entry]));
      for (const [name, source] of Object.entries(notify.params)) {
        const key = internString(name);
        merged.set(key, [key, text(source)]);
      }
      params = [...merged.values()];
    }
    const timed = notify.due !== undefined || notify.deferUntil !== undefined;
    if (timed) rendersWithClock = true;
    return {
      template,
      subject: compiled.subject,
      params,
      severity: notify.severity,
      severityRank:
        notify.severity === undefined
          ? -1
          : (PRIORITIES as readonly string[]).indexOf(notify.severity),
      definition: notify,
      timed,
    };
  };

  const rules = evaluationOrder(ruleSet.rules).map((rule, rank): RulePlan => {
    const contributions: Contribution[] = [];
    for (const notify of rule.notify) {
      const template = ruleSet.templates.get(notify.template)!;
      const plan = planNotify(notify, template);
      for (const channel of notify.channels ?? template.channels) {
        const recipients = directory.expand(notify.to, channel);
        contributions.push({ slot: slotOf(template, channel), notify: plan, recipients });
      }
    }
    return {
      rank,
      rule,
      matched: Object.freeze({
        ruleId: rule.id,
        file: rule.location.file,
        line: rule.location.line,
      }),
      isEffective: compileEffective(rule.effective, time),
      unmerged:
        new Set(contributions.map((c) => c.slot)).size === contributions.length
          ? contributions.map((c) => [c])
          : undefined,
      stop: rule.stop,
      contributions,
    };
  });

  return { ruleSet, rules, slots, recipientCount: directory.size, rendersWithClock, time };
}
