/**
 * What came, as an error message about a caller's slip says it: '' and null by value, an array named,
 * else its type (`got number`). Its own module: the execution API's messages (input-errors.ts, deferred
 * out of the start script) and the cache's (cache/cache-input.ts, in the cache's lazy code) share it.
 */
export function describeInput(value: unknown): string {
  if (value === '') return "''"
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}
