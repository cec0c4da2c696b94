/**
 * Every distinct cycle of a directed graph (name → names it points to), each as the path that
 * closes it, e.g. `[a, b, a]`. Iterative, so a long chain cannot overflow the stack.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'active' | 'done'>();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [];
    const stack: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 'active');
    path.push(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.next >= edges.length) {
        state.set(frame.node, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const target = edges[frame.next++]!;
      if (!graph.has(target)) continue;
      const targetState = state.get(target);
      if (targetState === 'active') {
        const cycle = [...path.slice(path.indexOf(target)), target];
        const id = [...new Set(cycle)].sort().join('\u0000');
        if (!seen.has(id)) {
          seen.add(id);
          cycles.push(cycle);
        }
      } else if (targetState === undefined) {
        state.set(target, 'active');
        path.push(target);
        stack.push({ node: target, next: 0 });
      }
    }
  }
  return cycles;
}
