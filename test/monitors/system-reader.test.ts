/** The host reader (system-reader.ts) makes systeminformation's calls in a worker thread, one reading per call. */
import { describe, expect, it } from 'vitest'
import { createHostReader, type HostReading } from '../../src/runtime/monitors/samplers/system-reader.js'

function expectReading(reading: HostReading): void {
  expect(reading.mem.total).toBeGreaterThan(0)
  expect(reading.mem.active).toBeGreaterThan(0)
  expect(reading.fs.reduce((sum, d) => sum + d.size, 0)).toBeGreaterThan(0)
  expect(Array.isArray(reading.net)).toBe(true)
}

describe('the host reader', () => {
  it('reads in a worker, again on each call; after close() a read rejects', async () => {
    const reader = createHostReader()
    expectReading(await reader.read())
    expectReading(await reader.read())
    reader.close()
    await expect(reader.read()).rejects.toThrow(/closed/)
  }, 20_000)
})
