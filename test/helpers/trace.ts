/** Reading trace.json in tests: its complete events, and which one a viewer draws around another. */

export type TraceEvent = { name: string; ph: string; tid: number; ts: number; dur: number; cat: string; args: { id?: number; parentId?: number; run?: number } }

/** The event drawn around e on its track: the innermost earlier event there that contains it. */
export function enclosing(events: TraceEvent[], e: TraceEvent): TraceEvent | undefined {
  let found: TraceEvent | undefined
  for (const o of events) {
    if (o === e || o.tid !== e.tid || o.ts > e.ts || o.ts + o.dur < e.ts + e.dur) continue
    if (o.ts === e.ts && o.dur === e.dur && events.indexOf(o) > events.indexOf(e)) continue
    if (found === undefined || o.ts >= found.ts) found = o
  }
  return found
}
