/**
 * A plugin object's slips that TypeScript catches and plain JavaScript did not: a `hooks` entry or a
 * `setup` that is not a function (an import that came out undefined, a string), `hooks` not an
 * object, a key misspelt (`hook:`, `setUp:`). Each was skipped without a word: the plugin loaded and
 * its listeners or its setup never ran. Now each is a warning naming the plugin and where it is
 * listed; the plugin is still set up with what is usable. Runs once per plugin at start (a loop over
 * its few keys); the messages are built only on a slip.
 */
import type { WarnOnce } from '../runtime/_internal.js'
import { describeInput } from '../runtime/describe-input.js'
import { editDistance } from '../config/did-you-mean.js'

const KEYS = ['name', 'hooks', 'setup']

/** Warns about each slip of `plugin`'s shape; `listed`: where its entry is written (looked up only on a slip). */
export function checkPluginShape(plugin: Record<string, unknown>, warn: WarnOnce, listed: () => string | undefined): void {
  const { name, hooks, setup } = plugin as { name: string; hooks?: unknown; setup?: unknown }
  const say = (code: string, message: string) => {
    const at = listed()
    warn(`plugin-shape:${name}:${code}`, `plugin '${name}'${at ? ` (${at})` : ''}: ${message}`)
  }
  if (hooks !== undefined && hooks !== null) {
    if (typeof hooks !== 'object' || Array.isArray(hooks)) say('hooks', `\`hooks\` is not an object of hook name → listener (got ${describeInput(hooks)}): none of it is registered`)
    else {
      for (const [hook, fn] of Object.entries(hooks)) {
        // undefined is an absent listener (`verbose ? log : undefined`), as an undefined config key is an absent key
        if (fn !== undefined && typeof fn !== 'function') say(`hooks.${hook}`, `hooks['${hook}'] is not a function (got ${describeInput(fn)}): it is not registered`)
      }
    }
  }
  if (setup !== undefined && setup !== null && typeof setup !== 'function') say('setup', `\`setup\` is not a function (got ${describeInput(setup)}): it is not called`)
  for (const key of Object.keys(plugin)) {
    if (KEYS.includes(key)) continue
    // a known key misspelt by one letter or by case (`hook`, `setUp`): other keys (`meta`, `version`) are the author's own
    const meant = KEYS.find(known => editDistance(key.toLowerCase(), known) <= 1)
    if (meant !== undefined) say(`key.${key}`, `it has a key '${key}', which unperf does not read (did you mean '${meant}'?)`)
  }
}
