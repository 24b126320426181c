/**
 * The checks of the execution API's input that run on every call (perf.run, perf.mark, perf.pool,
 * perf.graph): cheap predicates on the start path. What a failed check says is built by
 * input-errors.ts, a deferred module (scripts/build.mjs): loaded only when a caller slips.
 */

/** A name: a non-empty string. */
export const isName = (name: unknown): name is string => typeof name === 'string' && name !== ''

/** perf.graph's options as they usually come: none, or an object whose name and stopOnError are what they should be. */
export function plainGraphOptions(options: unknown): boolean {
  if (options === undefined) return true
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false
  const { name, stopOnError } = options as { name?: unknown; stopOnError?: unknown }
  return (name == null || isName(name)) && (stopOnError == null || typeof stopOnError === 'boolean')
}
