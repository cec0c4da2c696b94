import type { RegionGroupDefinition } from '../model/rule-set.js';

/**
 * Region group → every code and group it contains at any depth, itself included: what `within`
 * consults. Expanded once at compile time; a cycle (rejected at load) cannot loop, because each
 * name is entered once per group. Walked without recursion.
 */
export function flattenRegionGroups(
  regions: ReadonlyMap<string, RegionGroupDefinition>,
): ReadonlyMap<string, ReadonlySet<string>> {
  const flattened = new Map<string, ReadonlySet<string>>();
  for (const group of regions.keys()) {
    // Iterative, so a chain of groups built in code cannot overflow the stack.
    const members = new Set<string>([group]);
    const pending = [group];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      for (const member of regions.get(next)?.members ?? []) {
        if (members.has(member)) continue;
        members.add(member);
        pending.push(member);
      }
    }
    flattened.set(group, members);
  }
  return flattened;
}
