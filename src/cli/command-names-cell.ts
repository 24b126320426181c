import { printable, truncate, visible } from './_ui.js'

/** Columns a table cell of command names may take: the row stays within a terminal's width. */
const MAX_COLUMNS = 60

/**
 * The commands of one recorded run as a table cell: each name once, in the order it first ran, with
 * `×N` when it ran N times, cut to the names that fit and `+K more`. A service timing each request
 * with perf.run() records hundreds of runs per process: listed run by run, one row was thousands of
 * columns wide, and the table padded every other row to it.
 */
export function commandNamesCell(names: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1)
  const parts = [...counts].map(([name, n]) => (n > 1 ? `${printable(name)} ×${n}` : printable(name)))
  let cell = ''
  for (let i = 0; i < parts.length; i++) {
    const rest = parts.length - i - 1
    // room for the ', +K more' that would follow, unless this is the last name
    const room = MAX_COLUMNS - (rest > 0 ? `, +${rest} more`.length : 0)
    if (i === 0) { cell = truncate(parts[0]!, room); continue }
    const next = `${cell}, ${parts[i]}`
    if (visible(next) > room) return `${cell}, +${parts.length - i} more`
    cell = next
  }
  return cell
}
