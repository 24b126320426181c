// `info`: what unperf and the git-info plugin know about this run.
import { defineCommand } from 'citty'
import { getPerf } from '../../dist/index.mjs'

export default defineCommand({
  meta: { name: 'info', description: 'What unperf and the git-info plugin know' },
  async run(ctx) {
    const perf = getPerf()
    const { config } = perf
    const git = await perf.cache.namespace('shared').get('git:head')
    console.log(`${config.name}@${config.version} env=${config.env}`)
    console.log(`cache: ${config.cache.enabled ? config.cache.tiers.map(t => t.driver).join(' → ') : 'off'} in ${config.cache.dir}`)
    console.log(`git: ${git ? `${git.branch} ${git.sha.slice(0, 12)}` : 'unknown'}`)
    console.log(`reports: ${config.report.dir}`)
  },
})
