import type { RegionGroupDefinition } from '../model/rule-set.js';

/**
 * Region group → every code and group it contains at any depth, itself included: what `within`
 * consults. Expanded once at compile time; a cycle (rejected at load) cannot loop, because each
 * name is entered once per group.
 */
export function flattenRegionGroups(
  regions: ReadonlyMap<string, RegionGroupDefinition>,
): ReadonlyMap<string, ReadonlySet<string>> {
  const flattened = new Map<string, ReadonlySet<string>>();
  for (const group of regions.keys()) {
    const members = new Set<string>();
    const enter = (name: string): void => {
      if (members.has(name)) return;
      members.add(name);
      for (const member of regions.get(name)?.members ?? []) enter(member);
    };
    enter(group);
    flattened.set(group, members);
  }
  return flattened;
}
