/**
 * The trace's main thread as tracks that nest. Complete events ('X') on one thread must nest
 * (the Trace Event Format's rule; Perfetto drops the ones that overlap without nesting), but spans
 * run concurrently (a graph's tasks, `Promise.all` of spans, overlapping commands). Each event goes
 * on the first track where it fits inside the innermost event still open there (its parent's track
 * first), else on a new track: "main", "main 2", ... Sequential work stays on "main".
 */
type TraceEvent = Record<string, unknown>

/** The first tid of the extra tracks (0 is main, 1 startup). */
const FIRST_EXTRA = 2

export function nestMainTrack(events: TraceEvent[], pid: number): void {
  const main = events.filter(e => e.ph === 'X' && e.tid === 0 && typeof e.ts === 'number' && typeof e.dur === 'number')
  // by start; within one µs the shallower first (a command, no depth, then the parent before its
  // child), else as recorded (spans in start order: siblings of one µs keep theirs; the sort is stable)
  const depth = (e: TraceEvent) => (e.args as { depth?: number } | undefined)?.depth ?? -1
  main.sort((a, b) => (a.ts as number) - (b.ts as number) || depth(a) - depth(b))
  /** per track, the open events, innermost last */
  const tracks: { end: number; name: unknown; command: boolean }[][] = []
  /** the track of the latest event of each name (a child tries its parent's track first) */
  const trackOf = new Map<unknown, number>()
  /**
   * e fits on track t inside the innermost event still open there, and that event is its parent (a
   * span nested under a sibling would say the wrong thing); a top-level span goes under a command
   * or on an empty track, a command anywhere it fits.
   */
  const fits = (t: number, start: number, end: number, parent: unknown, span: boolean): boolean => {
    const open = tracks[t]!
    // ended before e starts; one that ends as e starts too, unless it is e's parent (a child of 0 µs at its end)
    for (let top = open[open.length - 1]; top !== undefined && (top.end < start || (top.end === start && top.name !== parent)); top = open[open.length - 1]) open.pop()
    const top = open[open.length - 1]
    if (top === undefined) return true
    if (top.end < end) return false
    return parent !== undefined ? top.name === parent : !span || top.command
  }
  for (const e of main) {
    const start = e.ts as number
    const end = start + (e.dur as number)
    const parent = (e.args as { parent?: unknown } | undefined)?.parent
    const command = e.cat === 'command'
    const span = !command
    const preferred = parent === undefined ? undefined : trackOf.get(parent)
    let t = preferred !== undefined && fits(preferred, start, end, parent, span) ? preferred : -1
    if (t === -1) {
      for (t = 0; t < tracks.length; t++) if (fits(t, start, end, parent, span)) break
      if (t === tracks.length) tracks.push([])
    }
    tracks[t]!.push({ end, name: e.name, command })
    trackOf.set(e.name, t)
    if (t > 0) e.tid = FIRST_EXTRA + t - 1
  }
  for (let t = 1; t < tracks.length; t++) {
    events.push({ name: 'thread_name', ph: 'M', pid, tid: FIRST_EXTRA + t - 1, args: { name: `main ${t + 1}` } })
    events.push({ name: 'thread_sort_index', ph: 'M', pid, tid: FIRST_EXTRA + t - 1, args: { sort_index: t + 1 } })
  }
}
