// A local unperf plugin: reads the git HEAD of the project once and shares it with every plugin
// through the `shared` namespace; its own namespace remembers how many runs it has seen.
import { join, resolve } from 'node:path'
import { definePerfPlugin } from '../../dist/index.mjs'

// not `import { readFileSync } from 'node:fs'`: node builds that ES module facade by reading every
// export, which loads the fs stream stack (~2 ms of every start); the CommonJS object does not
const { readFileSync } = process.getBuiltinModule('node:fs')

/** The git dir of a checkout: `.git`, or where a worktree's `.git` file points (`gitdir: ...`). */
function gitDir(cwd) {
  const dotGit = join(cwd, '.git')
  try {
    const pointer = readFileSync(dotGit, 'utf8')
    return pointer.startsWith('gitdir: ') ? resolve(cwd, pointer.slice(8).trim()) : dotGit
  } catch {
    return dotGit // a directory (EISDIR), or no git at all: readHead says so
  }
}

function readHead(cwd) {
  try {
    const dir = gitDir(cwd)
    const head = readFileSync(join(dir, 'HEAD'), 'utf8').trim()
    if (!head.startsWith('ref: ')) return { branch: '(detached)', sha: head }
    const ref = head.slice(5)
    // a worktree's branches live in the main checkout's git dir (its `commondir`)
    let common = dir
    try { common = resolve(dir, readFileSync(join(dir, 'commondir'), 'utf8').trim()) } catch { /* not a worktree */ }
    let sha = ''
    try { sha = readFileSync(join(common, ref), 'utf8').trim() } catch { /* packed ref */ }
    return { branch: ref.replace('refs/heads/', ''), sha }
  } catch {
    return { branch: '(no git)', sha: '' }
  }
}

export default definePerfPlugin({
  name: 'git-info',
  hooks: {
    'command:before': ctx => {
      ctx.data.plugin = 'git-info'
    },
  },
  async setup({ perf, cache, shared, hooks }) {
    const git = await shared.wrap('git:head', () => readHead(perf.config.cwd), { ttl: '5m' })
    const runs = ((await cache.get('runs')) ?? 0) + 1
    await cache.set('runs', runs, { ttl: false })
    hooks.hook('command:before', ctx => {
      ctx.data.git = git
      ctx.data.runs = runs
    })
  },
})
