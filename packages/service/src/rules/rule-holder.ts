import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ExrouteError, createRouter, loadRuleSet } from '@exroute/core';
import type { Diagnostic, Router, RuleSet } from '@exroute/core';
import type { Dispatcher } from '@exroute/dispatch';
import type { DispatchFactory } from '../dispatch/dispatch-port.js';

/** The rule set in force with everything built from it; swapped as one object on reload. */
export interface ActiveRules {
  readonly ruleSet: RuleSet;
  readonly router: Router;
  readonly dispatcher: Dispatcher;
  readonly loadedAt: string;
}

/** The result of one reload attempt. */
export type ReloadOutcome =
  | { outcome: 'applied'; version: string; previous: string }
  | { outcome: 'unchanged'; version: string }
  | { outcome: 'rejected'; version: string; diagnostics: Diagnostic[] };

/**
 * Holds the active rules and reloads them: a new set that fails to load is reported and the old
 * one keeps serving; a valid one replaces router and dispatcher in one assignment, so an event is
 * routed and dispatched by one version from start to end.
 */
export class RuleHolder {
  readonly #paths: readonly string[];
  readonly #dispatchFor: DispatchFactory;
  #active: ActiveRules;
  #lastRejection: { at: string; diagnostics: Diagnostic[] } | undefined;
  #watchers: FSWatcher[] = [];
  #reloading: Promise<ReloadOutcome> | undefined;
  #again = false;

  private constructor(paths: readonly string[], dispatchFor: DispatchFactory, active: ActiveRules) {
    this.#paths = paths;
    this.#dispatchFor = dispatchFor;
    this.#active = active;
  }

  /** Loads the rule set once; throws RuleSetError (every diagnostic) when it is invalid. */
  static async load(paths: readonly string[], dispatchFor: DispatchFactory): Promise<RuleHolder> {
    const ruleSet = await loadRuleSet([...paths]);
    return new RuleHolder(paths, dispatchFor, build(ruleSet, dispatchFor));
  }

  /** The rules in force now. */
  get active(): ActiveRules {
    return this.#active;
  }

  /** Diagnostics of the last rejected reload, until a later reload succeeds. */
  get lastRejection(): { at: string; diagnostics: Diagnostic[] } | undefined {
    return this.#lastRejection;
  }

  /** Loads and checks the files again; concurrent calls share one load, and a call during a load queues one more. */
  reload(): Promise<ReloadOutcome> {
    if (this.#reloading !== undefined) {
      this.#again = true;
      return this.#reloading;
    }
    this.#reloading = this.#reloadOnce().finally(() => {
      this.#reloading = undefined;
      if (this.#again) {
        this.#again = false;
        void this.reload();
      }
    });
    return this.#reloading;
  }

  async #reloadOnce(): Promise<ReloadOutcome> {
    const previous = this.#active.ruleSet.version;
    let ruleSet: RuleSet;
    try {
      ruleSet = await loadRuleSet([...this.#paths]);
    } catch (error) {
      const diagnostics =
        error instanceof ExrouteError
          ? error.diagnostics
          : [
              {
                code: 'EXR_RELOAD_FAILED',
                severity: 'error' as const,
                message: `the rules could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
              },
            ];
      this.#lastRejection = { at: new Date().toISOString(), diagnostics };
      return { outcome: 'rejected', version: previous, diagnostics };
    }
    this.#lastRejection = undefined;
    if (ruleSet.version === previous) return { outcome: 'unchanged', version: previous };
    this.#active = build(ruleSet, this.#dispatchFor);
    return { outcome: 'applied', version: ruleSet.version, previous };
  }

  /** Calls `onChange` (debounced) whenever a file under the rule paths changes. */
  async watch(debounceMs: number, onChange: () => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const fire = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
      timer.unref();
    };
    const targets = new Set<string>();
    for (const path of this.#paths) {
      // Editors often replace a file (write + rename): watch the directory that holds it.
      const info = await stat(path).catch(() => undefined);
      targets.add(info?.isDirectory() === true ? path : dirname(path));
    }
    for (const target of targets) {
      try {
        const watcher = watch(target, { recursive: true, persistent: false }, fire);
        watcher.on('error', () => undefined);
        this.#watchers.push(watcher);
      } catch {
        // A path that cannot be watched still reloads on SIGHUP.
      }
    }
  }

  /** Stops watching files. */
  close(): void {
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers = [];
  }
}

function build(ruleSet: RuleSet, dispatchFor: DispatchFactory): ActiveRules {
  return {
    ruleSet,
    router: createRouter(ruleSet),
    dispatcher: dispatchFor(ruleSet),
    loadedAt: new Date().toISOString(),
  };
}
