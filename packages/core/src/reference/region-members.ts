import type { RegionGroupDefinition } from '../model/rule-set.js';

/**
 * Region group → every region code and group it contains at any depth, the group itself
 * included: the `regionMembers` the `within` operator consults. Built independently of the
 * compiled router so the reference checks that router's hierarchy, not a shared copy of it.
 * Cycles (rejected at load anyway) cannot loop: each group is expanded once per walk.
 */
export function expandRegionMembers(
  regions: ReadonlyMap<string, RegionGroupDefinition>,
): Map<string, ReadonlySet<string>> {
  const expanded = new Map<string, ReadonlySet<string>>();
  for (const group of regions.keys()) {
    const members = new Set<string>([group]);
    const pending = [group];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      for (const member of regions.get(next)?.members ?? []) {
        if (members.has(member)) continue;
        members.add(member);
        pending.push(member);
      }
    }
    expanded.set(group, members);
  }
  return expanded;
}
