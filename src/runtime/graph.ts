/**
 * Task graphs: a dependency DAG run with maximal parallelism under a pool. A cycle is an error
 * naming it (found before anything runs); a failed task skips its dependents, transitively.
 * `stopOnError` and an outside `signal` stop the whole graph, as p-map's: the tasks running see
 * their signal abort, the others never start. With a tracer, each task is a span of its own whose
 * parent is the span open where the graph started (explicit: tasks run concurrently).
 */
import { CycleError, GraphError, PerfError } from '../errors.js'
import type { SpanParent, Tracer } from './_internal.js'
import { signalError } from './pool-job.js'
import { linkSignal } from './shared-signal.js'
import type { GroupedRunOptions } from './pool-job.js'
import { didYouMean } from '../config/did-you-mean.js'
import type { GraphResult, GraphTask, PerfPool } from './types.js'

type PoolRunOptionsLike = GroupedRunOptions | { signal: AbortSignal }

export interface RunGraphOptions {
  signal?: AbortSignal | undefined
  stopOnError?: boolean | undefined
  /** records each task as a span under `parent`, else under the span open now */
  tracer?: Tracer | undefined
  parent?: SpanParent | undefined
}

export async function runGraph(tasks: Record<string, GraphTask>, pool: PerfPool, options: RunGraphOptions = {}): Promise<GraphResult> {
  const start = performance.now()
  if (tasks === null || typeof tasks !== 'object' || Array.isArray(tasks)) {
    throw new PerfError('E_GRAPH_TASK', `perf.graph(tasks): tasks must be an object of named tasks ({ build: { run, deps } }), got ${tasks === null ? 'null' : Array.isArray(tasks) ? 'an array' : typeof tasks}`)
  }
  const names = Object.keys(tasks)
  const dependents = new Map<string, string[]>()
  const waiting = new Map<string, number>()
  for (const name of names) {
    const task = tasks[name]
    if (typeof task?.run !== 'function') throw new PerfError('E_GRAPH_TASK', `graph task '${name}' has no run function`)
    // a key it does not read: `dependsOn` (turbo's), `needs` (GitHub Actions') ran the task with no deps, in any order
    for (const key in task) if (key !== 'run' && key !== 'deps' && Object.hasOwn(task, key)) throw new PerfError('E_GRAPH_TASK', unknownTaskKey(name, key))
    if (task.deps != null && !Array.isArray(task.deps)) throw new PerfError('E_GRAPH_TASK', `graph task '${name}': deps must be an array of task names, got ${typeof task.deps}`)
    const deps = new Set(task.deps ?? []) // a dep listed twice counts once
    for (const dep of deps) {
      // own keys only: a dep named 'constructor' or 'toString' is not Object.prototype's (it was never launched: the graph hung)
      if (!Object.hasOwn(tasks, dep)) throw new PerfError('E_GRAPH_DEP', `graph task '${name}' depends on '${dep}', which is not a task (tasks: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})`)
      let list = dependents.get(dep)
      if (!list) dependents.set(dep, (list = []))
      list.push(name)
    }
    waiting.set(name, deps.size)
  }
  const cycle = findCycle(tasks)
  if (cycle) throw new CycleError(cycle)
  const outside = options.signal ?? undefined
  const invalid = outside === undefined ? undefined : signalError(outside, 'perf.graph(tasks, { signal })')
  if (invalid !== undefined) throw invalid
  if (outside?.aborted) throw outside.reason

  const results: Record<string, unknown> = {}
  const ran: string[] = []
  const failed: { name: string; error: unknown }[] = []
  const skipped = new Set<string>()
  const stopOnError = options.stopOnError === true
  // only a graph that can stop runs its tasks under a signal of its own (the pool's plain path otherwise)
  const controller = outside !== undefined || stopOnError ? new AbortController() : undefined
  const runOptions = controller && { signal: controller.signal }
  const tracer = options.tracer
  const parent: SpanParent | undefined = tracer && (options.parent ?? tracer.parent())
  const result = (): GraphResult => ({ results, ran, failed, skipped: [...skipped], duration: performance.now() - start })

  await new Promise<void>((resolve, reject) => {
    let remaining = names.length
    if (remaining === 0) return resolve()
    let stopped = false
    // graphs sharing one outside signal cost it one listener (node warned past 10)
    const link = outside && linkSignal(outside)
    const onAbort = () => stop(outside!.reason)
    const stop = (reason: unknown) => {
      stopped = true
      link?.unlink()
      controller!.abort(reason)
      reject(reason)
    }
    const done = () => {
      link?.unlink()
      resolve()
    }
    link?.signal.addEventListener('abort', onAbort, { once: true })
    const fail = (name: string, error: unknown) => {
      if (stopped) return
      failed.push({ name, error })
      stop(new GraphError(name, error, result()))
    }
    const finish = (name: string) => {
      if (--remaining === 0) done()
      for (const next of dependents.get(name) ?? []) {
        if (skipped.has(next)) continue
        const left = waiting.get(next)! - 1
        waiting.set(next, left)
        if (left === 0) launch(next)
      }
    }
    // iterative: a failure at the root of a long chain skips thousands (recursion overflowed the stack)
    const skip = (name: string) => {
      const stack = [name]
      while (stack.length > 0) {
        for (const next of dependents.get(stack.pop()!) ?? []) {
          if (skipped.has(next)) continue
          skipped.add(next)
          if (--remaining === 0) done()
          stack.push(next)
        }
      }
    }
    const launch = (name: string) => {
      if (stopped) return // stopped: nothing more starts
      const task = tasks[name]!
      // the pool's signal: aborts on the pool's timeout, and with the graph's when it can stop
      const fn = parent === undefined
        ? (signal: AbortSignal) => task.run({ results, signal })
        : (signal: AbortSignal) => tracer!.spanUnder(parent, name, () => task.run({ results, signal }))
      // stopOnError: the pool tells the task's final failure (after retries) before its slot takes
      // the next task, so the graph stops before anything else starts (the promise below is later)
      const options: PoolRunOptionsLike | undefined = stopOnError ? { signal: controller!.signal, group: { cancelled: false, fail: (error: unknown) => fail(name, error) } } : runOptions
      pool.run(fn, options).then(
        value => {
          if (stopped) return
          // a task named '__proto__' (a JSON task list): an own key, not the prototype
          if (name === '__proto__') Object.defineProperty(results, name, { value, enumerable: true, writable: true, configurable: true })
          else results[name] = value
          ran.push(name)
          finish(name)
        },
        error => {
          if (stopped) return
          if (stopOnError) return fail(name, error) // a failure the pool's group did not tell (none expected)
          failed.push({ name, error })
          skip(name)
          if (--remaining === 0) done()
        },
      )
    }
    for (const name of names) if (waiting.get(name) === 0) launch(name)
  })
  return result()
}

/** A cycle as a path of task names (first = last), or undefined. Iterative DFS: 2 000+ nodes fine. */
function findCycle(tasks: Record<string, GraphTask>): string[] | undefined {
  const state = new Map<string, 1 | 2>() // 1 = on stack, 2 = done
  for (const root of Object.keys(tasks)) {
    if (state.has(root)) continue
    const stack: { name: string; i: number }[] = [{ name: root, i: 0 }]
    state.set(root, 1)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const deps = tasks[top.name]!.deps ?? []
      if (top.i < deps.length) {
        const dep = deps[top.i++]!
        const s = state.get(dep)
        if (s === 1) {
          const from = stack.findIndex(f => f.name === dep)
          return [...stack.slice(from).map(f => f.name), dep]
        }
        if (s === undefined) {
          state.set(dep, 1)
          stack.push({ name: dep, i: 0 })
        }
      } else {
        state.set(top.name, 2)
        stack.pop()
      }
    }
  }
  return undefined
}

/** A task's key other than run and deps: what a task is, and where its dependencies go. */
function unknownTaskKey(name: string, key: string): string {
  const hint = /^(depends?(On)?|dependencies|needs|after|requires|prerequisites|parents)$/i.test(key) ? `; its dependencies are deps: ['other task']` : didYouMean(key, ['run', 'deps'])
  return `graph task '${name}': unknown key '${key}' (a task is { run, deps })${hint}`
}
