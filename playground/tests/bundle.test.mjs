import { describe, expect, it } from 'vitest'
import { work } from './_work.mjs'

// 60 units of work over 4 tests
describe('bundle', () => {
  it('step 1', () => {
    expect(work(15)).toBeGreaterThanOrEqual(0)
  })
  it('step 2', () => {
    expect(work(15)).toBeGreaterThanOrEqual(0)
  })
  it('step 3', () => {
    expect(work(15)).toBeGreaterThanOrEqual(0)
  })
  it('step 4', () => {
    expect(work(15)).toBeGreaterThanOrEqual(0)
  })
})
