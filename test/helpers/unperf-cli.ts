import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

/** The `unperf` binary of this checkout. */
export const bin = join(import.meta.dirname, '../../bin/unperf.mjs')

/** `unperf ...args` in `cwd` as a child process: no color, its own cache dir (`<cwd>/.xdg`). */
export function unperf(cwd: string, ...args: string[]) {
  return unperfWithEnv(cwd, {}, ...args)
}

/**
 * As unperf(), with these environment variables over the test's (`undefined` removes one: `{ CI: undefined }`).
 * Not a GitHub Actions job unless `env` says so: there `budget` adds workflow commands to stderr.
 */
export function unperfWithEnv(cwd: string, env: Record<string, string | undefined>, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(cwd, '.xdg'), GITHUB_ACTIONS: undefined, GITHUB_STEP_SUMMARY: undefined, ...env }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) }
}
