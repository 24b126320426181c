// perf.workers.run()'s module for the soak: a little CPU, a structured-clone result.
export function sum(n) {
  let s = 0
  for (let i = 0; i < n; i++) s += i % 7
  return { s, at: n }
}
export function fail(message) {
  throw new Error(message)
}
