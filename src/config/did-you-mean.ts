/**
 * "Did you mean": the closest of the candidates to a misspelt name (config keys, namespace names),
 * within an edit distance that scales with the name's length. Plain loops, no dependency: used on
 * error and warning paths, and small enough for the start path.
 */

/** `; did you mean 'x'?`, or '' when no candidate is close enough. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const best = closest(input, candidates)
  return best === undefined ? '' : `; did you mean '${best}'?`
}

/** The candidate closest to `input` (case-insensitive), if within max(2, a third of its length) edits. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase())
    if (d < bestDistance) { bestDistance = d; best = c }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined
}

/** Levenshtein distance: the edits (insert, delete, replace a character) from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }
  return row[b.length]!
}
