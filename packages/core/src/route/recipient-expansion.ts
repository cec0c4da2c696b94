import type { ResolvedRecipient } from '../model/decision.js';
import type { RecipientDefinition } from '../model/rule-set.js';

/** A resolved address with a small integer id for its (key, address) pair, for de-duplication. */
export interface NumberedRecipient {
  /** Same id for the same (key, address) everywhere in the rule set. */
  readonly uid: number;
  /** Frozen: shared by every decision that lists it. */
  readonly recipient: ResolvedRecipient;
}

/**
 * The recipient directory, expanded at compile time: `to: [group]` on a channel becomes the list
 * of addresses it reaches, groups walked depth-first in order, each (key, address) once. Trusts
 * the directory: the loader resolved every key and refused cycles and deep nesting.
 */
export class RecipientDirectory {
  private readonly uids = new Map<string, number>();
  /** Expansions already made, by channel and keys: thousands of rules notify the same teams. */
  private readonly expansions = new Map<string, readonly NumberedRecipient[]>();

  constructor(private readonly entries: ReadonlyMap<string, RecipientDefinition>) {}

  /** How many distinct (key, address) pairs have been numbered so far. */
  get size(): number {
    return this.uids.size;
  }

  /**
   * Every address `keys` reach on `channel`: an entry's own addresses first, then its members'
   * (with `via` naming the groups passed through, outermost first); de-duplicated by
   * (key, address), first appearance kept.
   */
  expand(keys: readonly string[], channel: string): readonly NumberedRecipient[] {
    const cacheKey = `${channel}\u0000${keys.join('\u0000')}`;
    const cached = this.expansions.get(cacheKey);
    if (cached !== undefined) return cached;
    const out: NumberedRecipient[] = [];
    const seen = new Set<number>();
    // A group entered once per expansion: entering it again could add no new (key, address),
    // and diamonds of groups would otherwise multiply the walk.
    const entered = new Set<string>();
    const visit = (key: string, via: readonly string[]): void => {
      const entry = this.entries.get(key)!;
      const addresses = Object.prototype.hasOwnProperty.call(entry.addresses, channel)
        ? (entry.addresses[channel] ?? [])
        : [];
      for (const address of addresses) {
        const uid = this.uidOf(key, address);
        if (seen.has(uid)) continue;
        seen.add(uid);
        const recipient: ResolvedRecipient =
          via.length > 0
            ? { key, address, via: Object.freeze([...via]) as string[] }
            : { key, address };
        out.push({ uid, recipient: Object.freeze(recipient) });
      }
      if (entry.members.length === 0 || entered.has(key)) return;
      entered.add(key);
      const inner = [...via, key];
      for (const member of entry.members) visit(member, inner);
    };
    for (const key of keys) visit(key, []);
    this.expansions.set(cacheKey, out);
    return out;
  }

  private uidOf(key: string, address: string): number {
    const id = `${key}\u0000${address}`;
    let uid = this.uids.get(id);
    if (uid === undefined) this.uids.set(id, (uid = this.uids.size));
    return uid;
  }
}
