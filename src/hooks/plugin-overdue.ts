/**
 * An async setup() still running past its time limit (plugins.ts: the host goes on without it) is
 * still its plugin's code. Until the limit the registry's `owner` says so: the host awaits the
 * setups, nothing else runs. After it the host's code runs meanwhile (the next plugins' setups, the
 * command), and what that setup registered on `perf.hooks` (through its `perf`, `getPerf()`) was
 * counted as the host's, or as the plugin being set up then: its errors not named after it, its
 * `cache:*` listeners hearing every plugin's namespace.
 *
 * No AsyncLocalStorage around setup() (switched on for the setups of 20 plugins it cost 5–25 ms of
 * every start: every promise pays V8's promise hook). Instead each async setup()'s promise is
 * awaited by an async function named after it (`track`): V8's async stack trace of code that
 * continues that setup() (after an await in it, or in an async function it awaits) lists that
 * function. Only while a setup is overdue does the registry ask (`overdueOwner`): a stack capture
 * per hook registration and per perf.run()/close(), none on a start whose setups keep their limit.
 * What a timer or a `.then()` callback the setup left behind registers after the limit cannot be
 * told apart from the host's code, as for a listener's (docs/runtime.md).
 */
import type { HookOwner, PerfHookRegistryImpl } from './registry.js'
import { markOnStack } from './async-owner.js'

const MARK = 'unperf:setup#'
/** Marks unique in the process: two perf instances never read each other's. */
let sequence = 0

export interface OverdueSetups {
  /** `done` awaited by a function named for it; `mark` is that name (give it to `overdue`). */
  track(done: PromiseLike<void>): { awaited: Promise<void>; mark: string }
  /** The setup marked `mark`, of `owner`, is past its limit: its code registers for `owner` from now on. */
  overdue(mark: string, owner: HookOwner): void
  /** That setup settled (or rejected): nothing of it runs any more. */
  settled(mark: string): void
}

/** `settingUp()`: the plugin whose setup() runs now (the registry's `owner` while it does). */
export function overdueSetups(registry: PerfHookRegistryImpl, settingUp: () => HookOwner | undefined): OverdueSetups {
  const owners = new Map<string, HookOwner>()
  const lookup = (): HookOwner | undefined => {
    // one of a plugin's listeners runs synchronously now (it set `owner`): that plugin's, more precise than a stack
    const owner = registry.owner
    if (owner !== undefined && owner !== settingUp()) return undefined
    // the innermost setup's mark (none past the host's: the host's listeners a plugin's code fired)
    const mark = markOnStack(name => name.startsWith(MARK))
    return mark === undefined ? undefined : owners.get(mark)
  }
  return {
    track(done) {
      const mark = `${MARK}${++sequence}`
      // an async function awaiting the setup: the frame `at async unperf:setup#N` of its continuations' stacks
      const named = { async [mark](p: PromiseLike<void>) { await p } }[mark]!
      return { awaited: named(done), mark }
    },
    overdue(mark, owner) {
      owners.set(mark, owner)
      registry.overdueOwner = lookup
    },
    settled(mark) {
      if (owners.delete(mark) && owners.size === 0 && registry.overdueOwner === lookup) registry.overdueOwner = undefined
    },
  }
}
