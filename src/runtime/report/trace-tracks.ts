/**
 * The trace's main thread as tracks that nest. Complete events ('X') on one thread must nest
 * (the Trace Event Format's rule; Perfetto drops the ones that overlap without nesting), but spans
 * run concurrently (a graph's tasks, `Promise.all` of spans, overlapping commands). Each event goes
 * on the first track where it fits inside the innermost event still open there (its parent's track
 * first), else on a new track: "main", "main 2", ... Sequential work stays on "main".
 *
 * Nesting is by identity, never by time alone: an event is drawn inside its parent only, an event
 * without one (a command: commands are roots; a span outside any command) on a track where nothing
 * is open. A span's parent is known by id (`args.parentId`, the span's `args.id`), a top-level
 * span's by its command's run (`args.run`, on the command's event too), and a span whose parent span
 * is not in the trace goes inside its run's command: names are not enough, two spans (or two runs of
 * one command) running at once may share one, and a child drawn inside the other would say the wrong
 * thing; nor is time: a command that ran within another's time (one awaited inside another, a short
 * request during a long one) drawn inside it would read as part of it.
 */
type TraceEvent = Record<string, unknown>

/** The first tid of the extra tracks (0 is main, 1 startup). */
const FIRST_EXTRA = 2

interface EventArgs { id?: unknown; parentId?: unknown; run?: unknown; depth?: number }

/** An event's key (`s<id>` for a span, `c<run>` for a command), or undefined when it has none. */
function keyOf(e: TraceEvent): string | undefined {
  const args = e.args as EventArgs | undefined
  if (e.cat === 'command') return typeof args?.run === 'number' ? `c${args.run}` : undefined
  return typeof args?.id === 'number' ? `s${args.id}` : undefined
}

/**
 * The key of the event e is drawn inside, of those in the trace (`present`): its parent span, else
 * its command's run (a top-level span, or one whose parent was dropped from a long run's kept spans);
 * none for a command, or a span outside any command (or of a command left out of the report).
 */
function parentKeyOf(e: TraceEvent, present: ReadonlySet<string>): string | undefined {
  if (e.cat === 'command') return undefined
  const args = e.args as EventArgs | undefined
  if (typeof args?.parentId === 'number' && present.has(`s${args.parentId}`)) return `s${args.parentId}`
  return typeof args?.run === 'number' && present.has(`c${args.run}`) ? `c${args.run}` : undefined
}

export function nestMainTrack(events: TraceEvent[], pid: number): void {
  const main = events.filter(e => e.ph === 'X' && e.tid === 0 && typeof e.ts === 'number' && typeof e.dur === 'number')
  // one event (a command and no spans, the usual CLI run): on "main", as it is
  if (!main[1]) return
  // by start; within one µs a command first, then the spans in the order they started (their ids: a
  // parent before its child, and a span ending in the µs the next one starts before it), else the
  // shallower first; else as recorded (the sort is stable)
  const args = (e: TraceEvent) => e.args as EventArgs | undefined
  const depth = (e: TraceEvent) => args(e)?.depth ?? -1
  const id = (e: TraceEvent) => { const v = args(e)?.id; return typeof v === 'number' ? v : undefined }
  main.sort((a, b) => {
    const byStart = (a.ts as number) - (b.ts as number)
    if (byStart !== 0) return byStart
    const commands = Number(b.cat === 'command') - Number(a.cat === 'command')
    if (commands !== 0) return commands
    const ia = id(a), ib = id(b)
    return ia !== undefined && ib !== undefined ? ia - ib : depth(a) - depth(b)
  })
  // a parent that is not in the trace (dropped from a long run's kept spans, a command left out of
  // the report): see parentKeyOf
  const present = new Set<string>()
  for (const e of main) {
    const key = keyOf(e)
    if (key !== undefined) present.add(key)
  }
  /** per track, the open events, innermost last */
  const tracks: { end: number; key: string | undefined }[][] = []
  /** the track of each event that has a key (a child tries its parent's track first) */
  const trackOf = new Map<string, number>()
  /**
   * e fits on track t inside the innermost event still open there when that event is its parent (a
   * span nested under a sibling, a command under another command, would say the wrong thing); an
   * event without a parent only on a track where nothing is open.
   */
  const fits = (t: number, start: number, end: number, parent: string | undefined): boolean => {
    const open = tracks[t]!
    // ended before e starts; one that ends as e starts too, unless it is e's parent (a child of 0 µs at its end)
    for (let top = open[open.length - 1]; top !== undefined && (top.end < start || (top.end === start && (parent === undefined || top.key !== parent))); top = open[open.length - 1]) open.pop()
    const top = open[open.length - 1]
    if (top === undefined) return true
    return parent !== undefined && top.key === parent && top.end >= end
  }
  for (const e of main) {
    const start = e.ts as number
    const end = start + (e.dur as number)
    const parent = parentKeyOf(e, present)
    const preferred = parent === undefined ? undefined : trackOf.get(parent)
    let t = preferred !== undefined && fits(preferred, start, end, parent) ? preferred : -1
    if (t === -1) {
      for (t = 0; t < tracks.length; t++) if (fits(t, start, end, parent)) break
      if (t === tracks.length) tracks.push([])
    }
    const key = keyOf(e)
    tracks[t]!.push({ end, key })
    if (key !== undefined) trackOf.set(key, t)
    if (t > 0) e.tid = FIRST_EXTRA + t - 1
  }
  for (let t = 1; t < tracks.length; t++) {
    events.push({ name: 'thread_name', ph: 'M', pid, tid: FIRST_EXTRA + t - 1, args: { name: `main ${t + 1}` } })
    events.push({ name: 'thread_sort_index', ph: 'M', pid, tid: FIRST_EXTRA + t - 1, args: { sort_index: t + 1 } })
  }
}
