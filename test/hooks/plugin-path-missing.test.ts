/**
 * A plugin given by a path that is not there is reported with the file it looked for and what the
 * path is relative to (node's own error was `Cannot find module` plus a "Require stack" naming that
 * same file); a plugin file that is there but imports a missing module keeps node's error, which
 * names the missing module. Neither stops the command.
 */
import { join } from 'node:path'
import { realpathSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createPerf } from '../../src/runtime/perf.js'
import { BASE, projectWith } from '../helpers/project.js'
import { configAt } from '../helpers/position.js'
import { captureStderr } from '../helpers/stderr.js'

describe('a plugin path that is not there', () => {
  it.each(['./plugins/gti-info.mjs', './plugins/typed.ts'])('%s: the warning names the file and rootDir; the command runs', async ref => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['${ref}'] }`, {}, 'plugin-path-cli')
    let ran = false
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.run('cmd', () => { ran = true })
      await perf.close()
    })
    const root = realpathSync(dir)
    const file = join(root, ref)
    expect(text).toContain(`plugin '${ref}' (plugins[0] in ${configAt(dir, `'${ref}'`)}) failed in load: no file ${file}: a plugin's path is relative to rootDir (${root}, the host CLI's package), with its extension (.mjs, .js, .cjs)`)
    expect(text).not.toContain('Require stack')
    expect(ran).toBe(true)
  })

  it("a plugin file that imports a missing module keeps node's error naming that module", async () => {
    const dir = projectWith(`export default { ${BASE}, plugins: ['./plugins/p.mjs'] }`, {
      'plugins/p.mjs': `import './helper-gone.mjs'\nexport default { name: 'p' }`,
    }, 'plugin-dep-cli')
    const { text } = await captureStderr(async () => {
      const perf = await createPerf({ cwd: dir, noExitHandlers: true })
      await perf.close()
    })
    expect(text).toContain(`plugin './plugins/p.mjs' (plugins[0] in ${configAt(dir, "'./plugins/p.mjs'")}) failed in load:`)
    expect(text).toContain('helper-gone.mjs')
    expect(text).not.toContain('no file')
  })
})
