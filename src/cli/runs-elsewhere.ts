/**
 * `unperf report` / `unperf budget` in a project that has no runs under its own name, while a CLI
 * run in it recorded some under the CLI's name: a host CLI's config (and so its `name`, its cache
 * and report dir) comes from its own package, so `unperf` run in the project (the project's name)
 * looked in another dir and said "no runs recorded", though the project's runs were one dir over.
 * Only on that path, and only for the default report dir (`<platform cache dir>/<name>/reports/<project id>`).
 */
import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { ResolvedPerfConfig } from '../config/types.js'
import { platformCacheDir } from '../runtime/project.js'
import { printable } from './_ui.js'

/** The hint, naming the dirs and the `--root-dir` to give `command`; undefined when there are none. */
export function runsUnderOtherNames(config: ResolvedPerfConfig, command: string): string | undefined {
  const own = platformCacheDir(config.name)
  const id = basename(config.report.dir)
  // an explicit report.dir: the runs are where the config says
  if (config.report.dir !== join(own, 'reports', id)) return undefined
  const base = dirname(own)
  let names: string[]
  try { names = readdirSync(base) } catch { return undefined }
  const found = names.filter(n => n !== basename(own) && existsSync(join(base, n, 'reports', id, 'history.jsonl')))
  if (found.length === 0) return undefined
  // the CLI's package, when the project has it installed (a scoped @acme/cli's dir is acme+cli)
  const installed = found.map(n => n.includes('+') ? `@${n.replace('+', '/')}` : n).find(p => existsSync(join(config.cwd, 'node_modules', p, 'package.json')))
  const how = installed ? `unperf ${command} --root-dir node_modules/${installed}` : `unperf ${command} --root-dir <the CLI's package dir>`
  // dir names as the terminal is to show them: a shared XDG_CACHE_HOME holds dirs others made
  return printable(`this project's runs are recorded under ${found.map(n => `'${n}'`).join(', ')} (${join(base, found[0]!, 'reports', id)}), the name of a CLI whose perf.config is in its own package: ${how}`)
}
