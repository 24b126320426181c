// Deterministic CPU work for the uneven playground suite: no timers, so a file's duration
// is what it computes. One unit is a few milliseconds on a CI machine.
export const UNIT = 400_000

/** Runs `units` units of integer arithmetic and returns a checksum the test can assert on. */
export function work(units) {
  let x = 1
  const n = Math.round(units * UNIT)
  for (let i = 0; i < n; i++) x = (x * 31 + i) % 1_000_003
  return x
}

/** One test file's suite: `units` of work spread over `tests` tests named 'step 1'…'step N'. */
export async function suite(name, units, tests) {
  const { describe, expect, it } = await import('vitest')
  describe(name, () => {
    for (let i = 1; i <= tests; i++) {
      it(`step ${i}`, () => {
        expect(work(units / tests)).toBeGreaterThanOrEqual(0)
      })
    }
  })
}
