/**
 * A JavaScript plugin's slips that TypeScript would have caught: a `hooks` entry that is not a function
 * (an import that came out undefined... as null, a string), `setup` that is not a function, `hooks` not an
 * object, a misspelt key (`hook:` for `hooks:`, `setUp:`). Each was skipped without a word: the
 * plugin loaded, and its listeners or its setup never ran. Now each is a warning naming the plugin and
 * where it is listed, and what is usable still runs; an undefined listener and the author's own keys
 * (`meta`, `version`) are no slips.
 */
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

const PLUGINS = {
  'plugins/listeners.mjs': `export default { name: 'listeners', hooks: {
    'command:before': 'log', 'command:after': null, 'command:error': undefined,
    exit: () => { globalThis.__shape.push('listeners exit') },
  } }`,
  'plugins/setup.mjs': `export default { name: 'setup-str', setup: 'init', hooks: { exit: () => { globalThis.__shape.push('setup-str exit') } } }`,
  'plugins/hooks-array.mjs': `export default { name: 'hooks-array', hooks: [() => {}] }`,
  'plugins/misspelt.mjs': `export default { name: 'misspelt', hook: { 'command:before': () => {} }, setUp() {}, meta: { version: 1 }, version: '1.0.0' }`,
  'plugins/fine.mjs': `export default { name: 'fine', meta: { docs: 'x' }, hooks: { 'command:before': undefined }, setup() { globalThis.__shape.push('fine setup') } }`,
}

describe("a plugin object's shape", () => {
  it('warns about each listener, setup or key unperf cannot use, naming the plugin and its entry; the usable parts run', async () => {
    const g = globalThis as { __shape?: string[] }
    g.__shape = []
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/listeners.mjs', './plugins/setup.mjs', './plugins/hooks-array.mjs', './plugins/misspelt.mjs', './plugins/fine.mjs'] }`, PLUGINS, 'plugin-shape-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.run('cmd', () => 1)
      await perf.close()
    })
    const at = (i: number, file: string) => `plugins[${i}] in ${configAt(dir, `'./plugins/${file}'`)}`
    expect(text.trim().split('\n')).toEqual([
      `[unperf] warn plugin 'listeners' (${at(0, 'listeners.mjs')}): hooks['command:before'] is not a function (got string): it is not registered`,
      `[unperf] warn plugin 'listeners' (${at(0, 'listeners.mjs')}): hooks['command:after'] is not a function (got null): it is not registered`,
      `[unperf] warn plugin 'setup-str' (${at(1, 'setup.mjs')}): \`setup\` is not a function (got string): it is not called`,
      `[unperf] warn plugin 'hooks-array' (${at(2, 'hooks-array.mjs')}): \`hooks\` is not an object of hook name → listener (got an array): none of it is registered`,
      `[unperf] warn plugin 'misspelt' (${at(3, 'misspelt.mjs')}): it has a key 'hook', which unperf does not read (did you mean 'hooks'?)`,
      `[unperf] warn plugin 'misspelt' (${at(3, 'misspelt.mjs')}): it has a key 'setUp', which unperf does not read (did you mean 'setup'?)`,
    ])
    expect(g.__shape).toEqual(['fine setup', 'listeners exit', 'setup-str exit'])
  })
})
