/**
 * A status line on stderr for long work (`cache verify` over 20 000 entries, `bench`): only on a
 * terminal, so stdout (`--json` included), pipes and CI logs get nothing of it; drawn once the work has
 * taken `UNPERF_PROGRESS_DELAY` ms (default 250: quick commands do not flicker), then at each new step
 * and at most 10 times a second, with a spinner and the time so far (the spinner keeps turning while the
 * work awaits), and erased before anything else is written and at the end, so what follows starts a
 * clean line.
 */
import { formatDuration } from '../config/units.js'

export interface Progress {
  /** What is being done now; `done` and `total` draw a bar and `done/total`, `done` alone a count. */
  set(label: string, done?: number, total?: number): void
  /** Erases the line: call it before writing anything else to the terminal (the next tick draws it again). */
  clear(): void
  /** Erases the line for good. */
  end(): void
}

interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(text: string): unknown
}

const FRAMES = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'
const BAR = 24
const REDRAW_MS = 100

/** `[█████░░░░░]`: `done` of `total`. */
export function progressBar(done: number, total: number, width = BAR): string {
  const filled = total > 0 ? Math.min(width, Math.max(0, Math.round((done / total) * width))) : 0
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`
}

function delayFromEnv(): number {
  const raw = process.env.UNPERF_PROGRESS_DELAY
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw)
  return Number.isFinite(n) && n >= 0 ? n : 250
}

export function createProgress(stream: ProgressStream = process.stderr, delayMs = delayFromEnv()): Progress {
  const tty = stream.isTTY === true
  // from the first step, not from creation: `cache clear` asks its question in between, and the line
  // counted the time the user took to answer as the time spent listing namespaces
  let started = 0
  let label: string | undefined
  let done: number | undefined
  let total: number | undefined
  let shown = false
  let ended = !tty
  let last = Number.NEGATIVE_INFINITY
  let frame = 0
  const draw = (now: number) => {
    last = now
    let line = `${FRAMES[frame++ % FRAMES.length]} ${label}`
    if (total !== undefined) line += ` ${progressBar(done ?? 0, total)} ${done ?? 0}/${total}`
    else if (done !== undefined) line += ` ${done}`
    line += `  ${formatDuration(now - started)}`
    // one line, never wrapped: a wrapped line would not be erased by \r
    const width = Math.max(20, (stream.columns || 80) - 1)
    if ([...line].length > width) line = [...line].slice(0, width - 1).join('') + '…'
    stream.write(`\r${line}\x1b[K`)
    shown = true
  }
  const tick = (force: boolean) => {
    if (ended || label === undefined) return
    const now = performance.now()
    if (now - started < delayMs || (!force && now - last < REDRAW_MS)) return
    draw(now)
  }
  // the spinner and the time move while the work awaits (a synchronous caller draws through set())
  const timer = ended ? undefined : setInterval(() => tick(true), REDRAW_MS)
  timer?.unref()
  const clear = () => {
    if (!shown) return
    stream.write('\r\x1b[K')
    shown = false
  }
  return {
    set(l, d, t) {
      // a new step is shown at once (there are few: a namespace each); counts within one at most every 100 ms
      const step = l !== label
      if (label === undefined) started = performance.now()
      label = l
      done = d
      total = t
      tick(step)
    },
    clear,
    end() {
      clear()
      ended = true
      if (timer) clearInterval(timer)
    },
  }
}
