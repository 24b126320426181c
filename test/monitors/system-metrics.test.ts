/**
 * `monitors.system: true` values were in the samples and alerts only: a scrape of /metrics now has
 * them as `<prefix>_system_*` gauges, with HELP and TYPE, and has none of them without `system`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { family, parsePrometheus } from '../metrics/_prom.js'
import { bundleFixture, runNode } from './_child.js'

const GAUGES = [
  'cpu_load_ratio', 'load_average_per_core', 'memory_total_bytes', 'memory_used_bytes', 'memory_available_bytes', 'memory_used_ratio',
  'disk_size_bytes', 'disk_used_bytes', 'disk_used_ratio', 'network_receive_bytes_per_second', 'network_transmit_bytes_per_second',
].map(name => `acme_cli_system_${name}`)

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await new Promise(r => server.once('listening', r))
  const { port } = server.address() as AddressInfo
  await new Promise(r => server.close(r))
  return port
}

/** Runs the fixture, scrapes /metrics once it is ready, then lets it close. */
async function scrape(system: boolean): Promise<string> {
  const port = await freePort()
  const child = runNode(fixture, { PROJECT: tempDir('unperf-system-metrics-'), PORT: String(port), SYSTEM: system ? '1' : '0' }, { stdin: true })
  try {
    await child.line(/ready/)
    const res = await fetch(`http://127.0.0.1:${port}/metrics`)
    expect(res.status).toBe(200)
    const text = await res.text()
    child.proc.stdin!.end()
    expect(await child.exited, child.stderr()).toEqual({ code: 0, signal: null })
    return text
  } finally {
    child.proc.kill()
  }
}

let fixture: string
beforeAll(async () => {
  fixture = await bundleFixture(fileURLToPath(new URL('./fixtures/system-metrics.ts', import.meta.url)), { external: true })
})

describe('monitors.system in the Prometheus exposition', () => {
  it('exposes the host values as gauges with HELP and TYPE', async () => {
    const text = await scrape(true)
    const families = parsePrometheus(text)
    for (const name of GAUGES) {
      expect(text, name).toMatch(new RegExp(`^# HELP ${name} \\S.*$`, 'm'))
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} gauge$`, 'm'))
      expect(family(families, name).metrics, name).toHaveLength(1)
    }
    const value = (name: string) => Number(family(families, `acme_cli_system_${name}`).metrics[0]!.value)
    // the host's memory, as node sees it (both read /proc/meminfo's MemTotal on Linux)
    expect(Math.abs(value('memory_total_bytes') - totalmem()) / totalmem()).toBeLessThan(0.01)
    expect(value('memory_used_bytes')).toBeGreaterThan(0)
    expect(value('memory_used_bytes')).toBeLessThanOrEqual(value('memory_total_bytes'))
    expect(value('memory_available_bytes')).toBeLessThanOrEqual(value('memory_total_bytes'))
    // ratios 0–1, Prometheus' base unit for a percent
    for (const ratio of ['cpu_load_ratio', 'memory_used_ratio', 'disk_used_ratio']) {
      expect(value(ratio), ratio).toBeGreaterThanOrEqual(0)
      expect(value(ratio), ratio).toBeLessThanOrEqual(1)
    }
    expect(value('memory_used_ratio')).toBeCloseTo(value('memory_used_bytes') / value('memory_total_bytes'), 3)
    expect(value('disk_used_bytes')).toBeLessThanOrEqual(value('disk_size_bytes'))
    for (const rest of ['load_average_per_core', 'network_receive_bytes_per_second', 'network_transmit_bytes_per_second']) {
      expect(value(rest), rest).toBeGreaterThanOrEqual(0)
    }
  }, 30_000)

  it('has no system gauge without monitors.system', async () => {
    const text = await scrape(false)
    expect(text).toMatch(/^acme_cli_process_cpu_ratio /m)
    expect(text).not.toMatch(/acme_cli_system_/)
  }, 30_000)
})
