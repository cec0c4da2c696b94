/**
 * The longest chain of groups inside groups (recipient `members`, region groups), found without
 * recursion in time linear in the graph: each group's depth is memoised, cycles (reported on
 * their own) are cut.
 */
export function deepestGroupChain(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const depth = new Map<string, number>();
  const next = new Map<string, string | undefined>();
  const onPath = new Set<string>();
  for (const start of graph.keys()) {
    if (depth.has(start)) continue;
    const stack: { name: string; index: number }[] = [{ name: start, index: 0 }];
    onPath.add(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const members = graph.get(frame.name) ?? [];
      if (frame.index < members.length) {
        const member = members[frame.index++]!;
        if (graph.has(member) && !depth.has(member) && !onPath.has(member)) {
          onPath.add(member);
          stack.push({ name: member, index: 0 });
        }
        continue;
      }
      let best = 0;
      let via: string | undefined;
      for (const member of members) {
        const d = depth.get(member) ?? 0;
        if (graph.has(member) && d > best) {
          best = d;
          via = member;
        }
      }
      depth.set(frame.name, best + 1);
      next.set(frame.name, via);
      onPath.delete(frame.name);
      stack.pop();
    }
  }
  let deepest: string | undefined;
  for (const [name, d] of depth)
    if (deepest === undefined || d > depth.get(deepest)!) deepest = name;
  const chain: string[] = [];
  for (let at = deepest; at !== undefined && chain.length < graph.size; at = next.get(at)) {
    chain.push(at);
  }
  return chain;
}
