/**
 * Whether unperf colors what it writes to a stream (CLI tables, the exit summary, warnings), by the
 * usual conventions, in this order: `NO_COLOR` set and not empty → no color (no-color.org);
 * `FORCE_COLOR=0` or `false` → no color; `FORCE_COLOR` empty, `1`, `2`, `3` or `true` → color, even
 * into a pipe or a file (another value is ignored); `TERM=dumb` → no color; else only on a TTY.
 * A few env reads: cheap enough for the start path (no std-env, no tty module).
 */
export function useColor(stream: { isTTY?: boolean }): boolean {
  const env = process.env
  if (env.NO_COLOR) return false
  const force = env.FORCE_COLOR
  if (force !== undefined) {
    if (force === '0' || force === 'false') return false
    if (force === '' || force === '1' || force === '2' || force === '3' || force === 'true') return true
  }
  return stream.isTTY === true && env.TERM !== 'dumb'
}
