import { createHookRegistry, type PerfHookRegistryImpl } from '../../src/hooks/registry.js'
import { resolvePerfConfig } from '../../src/config/resolve.js'
import type { PerfConfig, ResolvedPerfConfig } from '../../src/config/types.js'
import type { RunState, RuntimeContext } from '../../src/runtime/_internal.js'
import { createTracer } from '../../src/runtime/span.js'
import { createMemoryTracker } from '../../src/runtime/memory.js'
import type { CommandRecord } from '../../src/runtime/types.js'

/** A config resolved by the real resolver with the report dir in `dir` (console off unless asked). */
export function reportConfig(dir: string, input: PerfConfig = {}): ResolvedPerfConfig {
  const { config, issues } = resolvePerfConfig(
    { name: 'acme', version: '1.0.0', ...input, report: { console: false, dir: `${dir}/reports`, ...input.report } } as never,
    { rootDir: dir, cwd: dir, env: 'test', configFile: undefined, hostName: 'acme', hostVersion: '1.0.0', fileFor: () => 'perf.config' } as never,
  )
  if (issues.length > 0) throw new Error(`config issues: ${JSON.stringify(issues)}`)
  return config
}

export function context(config: ResolvedPerfConfig): RuntimeContext & { hooks: PerfHookRegistryImpl; warnings: string[] } {
  const warnings: string[] = []
  return { config, hooks: createHookRegistry(), warn: (_c, m) => { warnings.push(m) }, warnings }
}

export function command(name: string, duration: number, o: Partial<CommandRecord> = {}): CommandRecord {
  return { name, status: 'ok', start: 100, duration, memoryDelta: 1024, memoryPeak: 50e6, ...o } as CommandRecord
}

/** A RunState with the real tracer and memory tracker. */
export function runState(config: ResolvedPerfConfig, commands: CommandRecord[] = [], o: Partial<RunState> = {}): RunState {
  const tracer = createTracer()
  return {
    config, startedAt: Date.now() - 500, argv: ['build', '--token=secret'], commands, tracer,
    memory: createMemoryTracker(), cache: undefined, pools: [], monitor: undefined, exitCode: undefined, commandsDropped: 0, ...o,
  }
}
