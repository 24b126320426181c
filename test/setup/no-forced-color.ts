/**
 * Vitest globalSetup: unperf honours FORCE_COLOR (runtime/color.ts), so a developer's or a CI's
 * FORCE_COLOR=1 would color the output of every child process the tests read (they are piped, and
 * compare plain text). Left out for the workers and their children; a test about colors sets it itself.
 */
export default function setup(): () => void {
  const saved = process.env.FORCE_COLOR
  delete process.env.FORCE_COLOR
  return () => {
    if (saved !== undefined) process.env.FORCE_COLOR = saved
  }
}
