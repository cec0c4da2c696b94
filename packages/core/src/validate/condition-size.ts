import type { Diagnostic } from '../model/diagnostic.js';
import { decoratorCount } from '../operators/registry.js';
import { hasOwn, isRecord } from './shape-guards.js';

/** What one condition holds before shared conditions are written out. */
interface OwnShape {
  /** Nodes of the condition itself, each `{ condition: name }` counted once. */
  nodes: number;
  /** Every `{ condition: name }` in it, once per occurrence. */
  references: string[];
}

/** Expanded sizes of conditions over one set of shared conditions, memoised and saturating. */
export interface ExpandedSizes {
  /**
   * Nodes `condition` holds with every referenced shared condition written out in full (what
   * json-rules-engine walks per event), counted without recursion in time linear in the shared
   * conditions' own sizes; never more than `cap + 1`. Cycles count as no extra nodes (they are
   * reported on their own).
   */
  sizeOf(condition: unknown): number;
  /**
   * The chain of shared conditions that makes `condition` large: from its largest reference to
   * that condition's largest reference, and so on, each with how often it is referenced there.
   */
  growthChain(condition: unknown): { name: string; times: number }[];
}

/**
 * Expanded-size arithmetic for the conditions of one rule set, given its shared conditions by
 * name. Sizes saturate at `cap + 1`, so 2^30 costs the same as 10 001.
 */
export function expandedConditionSizes(
  shared: ReadonlyMap<string, unknown>,
  cap: number,
): ExpandedSizes {
  const limit = cap + 1;
  const own = new Map<string, OwnShape>();
  const sizes = new Map<string, number>();
  const shapeOf = (name: string): OwnShape | undefined => {
    if (!shared.has(name)) return undefined;
    let shape = own.get(name);
    if (shape === undefined) {
      shape = ownShape(shared.get(name));
      own.set(name, shape);
    }
    return shape;
  };
  /** Post-order over the reference graph with an explicit stack; a name on the path counts 0. */
  const sizeOfName = (start: string): number => {
    const known = sizes.get(start);
    if (known !== undefined) return known;
    const onPath = new Set<string>([start]);
    const stack: { name: string; next: number; total: number }[] = [
      { name: start, next: 0, total: shapeOf(start)?.nodes ?? 0 },
    ];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const references = shapeOf(frame.name)?.references ?? [];
      if (frame.next < references.length) {
        const target = references[frame.next++]!;
        const done = sizes.get(target);
        if (done !== undefined) frame.total = Math.min(limit, frame.total + done);
        else if (shapeOf(target) !== undefined && !onPath.has(target)) {
          onPath.add(target);
          stack.push({ name: target, next: 0, total: shapeOf(target)!.nodes });
          frame.next--; // come back to add the target's size once it is known
        }
        continue;
      }
      stack.pop();
      onPath.delete(frame.name);
      sizes.set(frame.name, frame.total);
    }
    return sizes.get(start)!;
  };
  const sizeOf = (condition: unknown): number => {
    const shape = ownShape(condition);
    let total = shape.nodes;
    for (const name of shape.references) {
      if (total >= limit) break;
      total = Math.min(limit, total + (shared.has(name) ? sizeOfName(name) : 0));
    }
    return total;
  };
  const growthChain = (condition: unknown): { name: string; times: number }[] => {
    const chain: { name: string; times: number }[] = [];
    const seen = new Set<string>();
    let references = ownShape(condition).references;
    while (references.length > 0 && chain.length < shared.size) {
      let best: string | undefined;
      for (const name of new Set(references)) {
        if (!shared.has(name) || seen.has(name)) continue;
        if (best === undefined || sizeOfName(name) > sizeOfName(best)) best = name;
      }
      if (best === undefined) break;
      seen.add(best);
      chain.push({ name: best, times: references.filter((n) => n === best).length });
      references = shapeOf(best)!.references;
    }
    return chain;
  };
  return { sizeOf, growthChain };
}

/** A condition's own nodes and its references, found without recursion. */
function ownShape(condition: unknown): OwnShape {
  const shape: OwnShape = { nodes: 0, references: [] };
  const stack: unknown[] = [condition];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isRecord(node)) continue;
    shape.nodes++;
    if (typeof node['condition'] === 'string') shape.references.push(node['condition']);
    if (Array.isArray(node['all'])) for (const child of node['all'] as unknown[]) stack.push(child);
    if (Array.isArray(node['any'])) for (const child of node['any'] as unknown[]) stack.push(child);
    if (hasOwn(node, 'not')) stack.push(node['not']);
  }
  return shape;
}

/** `a (×2) → b (×2) → …`, at most ten names, for a diagnostic message. */
export function describeGrowthChain(chain: readonly { name: string; times: number }[]): string {
  const shown = chain
    .slice(0, 10)
    .map((link) => (link.times > 1 ? `${link.name} (referenced ${link.times}×)` : link.name));
  if (chain.length > 10) shown.push(`… ${chain.length - 10} more`);
  return shown.length === 0 ? 'the rule itself is this large' : shown.join(' → ');
}

/** A rule or shared condition as budget checks see it: where it is and its condition. */
interface BudgetSubject {
  label: string;
  condition: unknown;
  location: { file: string; line: number; column: number; pointer: string };
}

/**
 * The evaluation-cost problems of a rule set built in code rather than loaded (the loader reports
 * the same ones, located): a rule whose expanded condition exceeds `maxNodes`, and an operator
 * with more than `maxDecorators` decorators. Linear in the rule set's own size.
 */
export function conditionBudgetProblems(
  rules: readonly BudgetSubject[],
  shared: readonly BudgetSubject[],
  maxNodes: number,
  maxDecorators: number,
): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const sizes = expandedConditionSizes(
    new Map(shared.map((s) => [s.label, s.condition])),
    maxNodes,
  );
  for (const subject of [...shared, ...rules]) {
    const stack: unknown[] = [subject.condition];
    while (stack.length > 0) {
      const node = stack.pop();
      if (!isRecord(node)) continue;
      const operator = node['operator'];
      if (typeof operator === 'string' && decoratorCount(operator) > maxDecorators) {
        problems.push(
          budgetProblem(
            subject,
            'EXR_TOO_MANY_DECORATORS',
            `an operator carries more than ${maxDecorators} decorators`,
          ),
        );
        break;
      }
      if (Array.isArray(node['all']))
        for (const child of node['all'] as unknown[]) stack.push(child);
      if (Array.isArray(node['any']))
        for (const child of node['any'] as unknown[]) stack.push(child);
      if (hasOwn(node, 'not')) stack.push(node['not']);
    }
  }
  for (const rule of rules) {
    if (sizes.sizeOf(rule.condition) <= maxNodes) continue;
    problems.push(
      budgetProblem(
        rule,
        'EXR_CONDITION_TOO_LARGE',
        `with its shared conditions written out, ${rule.label} holds more than ${maxNodes} condition nodes: ${describeGrowthChain(sizes.growthChain(rule.condition))}`,
      ),
    );
  }
  return problems;
}

function budgetProblem(subject: BudgetSubject, code: string, message: string): Diagnostic {
  const { file, line, column, pointer } = subject.location;
  return { code, severity: 'error', message, file, line, column, pointer };
}
