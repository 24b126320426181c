/**
 * Whether a parsed tests.jsonl line has the shape the readers rely on. A line the reporter did not
 * write (an older or newer unperf, a fixture written by hand, a line edited after the fact) may have
 * a valid hash and still lack a field `unperf tests` or `unperf shard` reads (`files[0].tests`
 * missing made `tests slow` end in "Cannot read properties of undefined (reading 'map')"). Such a
 * line is skipped, and what is wrong with it is said by its key path.
 */
import type { TestRunEntry } from './history-lines.js'

const STATES = new Set(['passed', 'failed', 'skipped'])
const TEST_STATES = new Set(['p', 'f', 's'])

/** What is wrong with `value` as a TestRunEntry (the first problem found, by key path), else undefined. */
export function entryProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object'
  if (value.v !== 1) return typeof value.v === 'number' ? `v is ${value.v}: written by another version of unperf (this one reads v 1)` : 'v: missing (expected 1)'
  if (typeof value.id !== 'string' || value.id === '') return 'id: expected a non-empty string'
  // (the run's own duration is a wall-clock difference: a clock stepped back during it makes it negative)
  for (const key of ['startedAt', 'endedAt', 'duration'] as const) {
    if (!isNumber(value[key])) return `${key}: expected a number`
  }
  if (value.result !== 'passed' && value.result !== 'failed') return `result: expected 'passed' or 'failed'`
  for (const key of ['commit', 'tree', 'shard', 'vitest'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') return `${key}: expected a string`
  }
  for (const key of ['dirty', 'ci', 'partial', 'bailed', 'merged'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean') return `${key}: expected true or false`
  }
  if (value.shardBy !== undefined && value.shardBy !== 'unperf') return `shardBy: expected 'unperf'`
  if (value.narrowedBy !== undefined && !isStrings(value.narrowedBy)) return 'narrowedBy: expected an array of strings'
  if (value.shardsMissing !== undefined && !isStrings(value.shardsMissing)) return 'shardsMissing: expected an array of strings'
  if (value.projects !== undefined) {
    if (!Array.isArray(value.projects)) return 'projects: expected an array'
    for (const [i, p] of value.projects.entries()) {
      if (!isObject(p) || typeof p.dir !== 'string' || !isStrings(p.include) || !isStrings(p.exclude) || (p.name !== undefined && typeof p.name !== 'string') || (p.includeSource !== undefined && !isStrings(p.includeSource))) {
        return `projects[${i}]: expected { name?, dir, include, exclude } (strings, arrays of strings)`
      }
    }
  }
  if (!Array.isArray(value.files)) return 'files: expected an array'
  for (const [i, file] of value.files.entries()) {
    const problem = fileProblem(file)
    if (problem) return `files[${i}]${problem}`
  }
  return undefined
}

/** The value as a TestRunEntry, when it has that shape. */
export function isTestRunEntry(value: unknown): value is TestRunEntry {
  return entryProblem(value) === undefined
}

// --- internal ---

function fileProblem(file: unknown): string | undefined {
  if (!isObject(file)) return ': expected an object'
  if (typeof file.path !== 'string' || file.path === '') return '.path: expected a non-empty string'
  if (file.project !== undefined && typeof file.project !== 'string') return '.project: expected a string'
  if (!STATES.has(file.state as string)) return `.state: expected 'passed', 'failed' or 'skipped'`
  // durations the shard plan and `unperf tests slow` add up: finite and not negative (records.ts
  // round() writes them so)
  if (!isMs(file.duration)) return '.duration: expected a number of ms (≥ 0)'
  if (!isMs(file.setup)) return '.setup: expected a number of ms (≥ 0)'
  if (file.failedSuites !== undefined && !isStrings(file.failedSuites)) return '.failedSuites: expected an array of strings'
  if (file.crashed !== undefined && file.crashed !== true) return '.crashed: expected true'
  if (!Array.isArray(file.tests)) return '.tests: expected an array'
  for (const [j, test] of (file.tests as unknown[]).entries()) {
    if (!Array.isArray(test) || typeof test[0] !== 'string' || !isMs(test[1]) || !TEST_STATES.has(test[2] as string) || !isMs(test[3])) {
      return `.tests[${j}]: expected [name, ms, 'p' | 'f' | 's', retries]`
    }
  }
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** A duration (or a count): a finite number, not negative. */
function isMs(value: unknown): value is number {
  return isNumber(value) && value >= 0
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(v => typeof v === 'string')
}
