/**
 * Alert rules on sampled metric paths (`memory.rss`, `eventLoop.p99`, `cpu.percent`, ...).
 * A rule fires once its threshold has been breached continuously for `for` ms (so one spike
 * does not page) and resolves on the first sample back within the threshold.
 */
import type { ResolvedAlertRule } from '../../config/types.js'
import type { MonitorAlert, MonitorSample } from '../../hooks/types.js'
import { metricKind, type MetricKind } from './metric-kinds.js'

export interface AlertEvaluator {
  /**
   * Evaluates every rule against a sample; returns the transitions it caused (firing or resolved).
   * `at`: when it was taken on a monotonic clock (ms), which `for` is judged on; default
   * `sample.time`, the wall clock, which NTP steps (a step back of an hour held an alert back that
   * long, a step ahead fired a `for: '10m'` rule on its second breaching sample).
   */
  evaluate(sample: MonitorSample, at?: number): MonitorAlert[]
  /** Every transition so far, oldest first. */
  history(): MonitorAlert[]
  /** Rules currently firing. */
  firing(): MonitorAlert[]
}

interface RuleState {
  path: string
  kind: MetricKind
  segments: string[]
  rule: ResolvedAlertRule
  /** ms since epoch the current breach started (the alert's `since`) */
  breachSince: number | undefined
  /** when it started on the monotonic clock `evaluate` is given: what `for` is judged on */
  breachAt: number | undefined
  firing: MonitorAlert | undefined
  seen: boolean
}

/** Transitions kept for the report; older ones are dropped. */
const MAX_HISTORY = 1000

export function createAlertEvaluator(rules: Record<string, ResolvedAlertRule>, onUnknownPath?: (path: string) => void): AlertEvaluator {
  const states: RuleState[] = Object.entries(rules).map(([path, rule]) => ({
    // the config refuses a path the table lacks; one given here directly reads as a plain number
    path, kind: metricKind(path) ?? 'number', segments: path.split('.'), rule, breachSince: undefined, breachAt: undefined, firing: undefined, seen: false,
  }))
  const history: MonitorAlert[] = []
  let evaluated = 0

  return {
    evaluate(sample, at = sample.time) {
      if (states.length === 0) return []
      evaluated++
      const out: MonitorAlert[] = []
      for (const state of states) {
        const value = readPath(sample, state.segments)
        if (value === undefined) {
          // The first sample may lack slow values (system); complain once it is clearly never there.
          if (!state.seen && evaluated === 3) onUnknownPath?.(state.path)
          continue
        }
        state.seen = true
        const { above, below } = state.rule
        const breached = (above !== undefined && value > above) || (below !== undefined && value < below)
        if (breached) {
          state.breachSince ??= sample.time
          state.breachAt ??= at
          if (state.firing === undefined && at - state.breachAt >= state.rule.for) {
            state.firing = { metric: state.path, kind: state.kind, state: 'firing', value, rule: ruleOf(state.rule), since: state.breachSince }
            out.push(state.firing)
          }
        } else {
          state.breachSince = state.breachAt = undefined
          if (state.firing !== undefined) {
            state.firing = undefined
            out.push({ metric: state.path, kind: state.kind, state: 'resolved', value, rule: ruleOf(state.rule), since: sample.time })
          }
        }
      }
      if (out.length > 0) {
        history.push(...out)
        if (history.length > MAX_HISTORY) history.splice(0, history.length - MAX_HISTORY)
      }
      return out
    },
    history: () => history.slice(),
    firing: () => states.flatMap(s => (s.firing ? [s.firing] : [])),
  }
}

/** Dot path into a sample; only finite numbers count. */
export function readPath(sample: MonitorSample, segments: readonly string[]): number | undefined {
  let value: unknown = sample
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function ruleOf(rule: ResolvedAlertRule): MonitorAlert['rule'] {
  return { ...(rule.above !== undefined && { above: rule.above }), ...(rule.below !== undefined && { below: rule.below }), for: rule.for }
}
