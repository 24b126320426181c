import { describe, expect, it } from 'vitest'
import { work } from './_work.mjs'

// 4 units of work over 2 tests
describe('env', () => {
  it('step 1', () => {
    expect(work(2)).toBeGreaterThanOrEqual(0)
  })
  it('step 2', () => {
    expect(work(2)).toBeGreaterThanOrEqual(0)
  })
})
