/** `--namespace N` of the `unperf cache` commands: a name, and one the config or the cache knows. */
import type { ResolvedPerfConfig } from '../config/types.js'
import { didYouMean } from '../config/did-you-mean.js'
import { UsageError } from '../errors.js'
import { printable, stderrColors } from './_ui.js'

/**
 * `--namespace` as a namespace name: `plugin:` alone (a plugin's namespace without the plugin's name)
 * listed, cleared and read an empty namespace no plugin has, and said nothing of the slip.
 */
export function checkNamespaceArg(name: string): void {
  if (name === 'plugin:') throw new UsageError("--namespace 'plugin:': the plugin's name is missing (a plugin's namespace is plugin:<name>, e.g. plugin:git-info; unperf cache info lists them)")
  if (name === '') throw new UsageError('--namespace expects a namespace name, got an empty value')
}

/**
 * `--namespace N` that is neither configured nor stored: a typo (`--namespace templtes`) listed,
 * cleared or verified an empty namespace, exit 0, without a word. Bad usage (exit 2), with the
 * closest name; one stored but no longer configured (an older config, code that opens it by name)
 * is worked on, and said so. A plugin's (`plugin:<name>`) is not checked: plugins are not loaded here.
 */
export async function checkNamespaceKnown(name: string, config: ResolvedPerfConfig, every: () => Promise<string[]>): Promise<void> {
  const configured = ['default', 'shared', ...Object.keys(config.cache.namespaces)]
  if (configured.includes(name) || name.startsWith('plugin:')) return
  const stored = await every()
  if (stored.includes(name)) {
    process.stderr.write(stderrColors.yellow(`[unperf] warning: --namespace '${printable(name)}' is not in the config; its entries here were stored by an older config or by code that opens it by name\n`))
    return
  }
  const known = [...new Set([...configured, ...stored])]
  throw new UsageError(`--namespace '${printable(name)}': no such namespace in the config, and none stored under that name${didYouMean(name, known)} (namespaces: ${known.map(n => printable(n)).join(', ')})`)
}
