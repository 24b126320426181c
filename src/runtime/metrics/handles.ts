/**
 * What perf.metrics.counter()/gauge()/histogram() return: the value-first recording calls, and
 * prom-client's `labels()`, `startTimer()`, `setToCurrentTime()`, `reset()` and `get()` over a
 * MetricState (metric-state.ts).
 */
import { MetricError } from '../../errors.js'
import { epochNow } from '../clock.js'
import type { Counter, CounterChild, Gauge, GaugeChild, Histogram, HistogramChild, MetricLabels, MetricSnapshot } from '../types.js'
import type { LabelSet, MetricState } from './metric-state.js'

export function counterHandle(state: MetricState): Counter {
  const refuseDecrease = (value: number) => {
    if (value < 0) throw new MetricError(`counter '${state.name}': cannot decrease (inc(${value}))`, state.name)
  }
  return {
    inc(value = 1, labels) {
      refuseDecrease(value)
      state.add(labels, value)
    },
    labels(...args): CounterChild {
      const at = state.labelSet(args)
      return {
        inc: (value = 1) => {
          refuseDecrease(value)
          state.checkValue(value, 'inc', undefined, true)
          state.addAt(at, value)
        },
      }
    },
    ...common(state),
  }
}

export function gaugeHandle(state: MetricState): Gauge {
  const set = (at: LabelSet, value: number) => {
    state.checkValue(value, 'set', undefined, true)
    state.addAt(at, value, true)
  }
  const delta = (at: LabelSet, value: number, method: 'inc' | 'dec') => {
    state.checkValue(value, method, undefined, true)
    state.addAt(at, method === 'dec' ? -value : value)
  }
  // seconds since the epoch, as prom-client (Date.now() / 1000), with clock.ts's sub-ms precision
  const time = (at: LabelSet) => state.addAt(at, epochNow() / 1000, true)
  const timer = (at: LabelSet) => state.timer(at, (end, seconds) => state.addAt(end, seconds, true))
  return {
    set: (value, labels) => state.add(labels, value, true),
    inc: (value = 1, labels) => state.add(labels, value),
    // a non-number is refused as given (negated, an object read NaN)
    dec: (value = 1, labels) => state.add(labels, typeof value === 'number' ? -value : value, false, 'dec'),
    setToCurrentTime: labels => time(state.key(labels)),
    startTimer: labels => timer(state.key(labels)),
    labels(...args): GaugeChild {
      const at = state.labelSet(args)
      return {
        set: value => set(at, value),
        inc: (value = 1) => delta(at, value, 'inc'),
        dec: (value = 1) => delta(at, value, 'dec'),
        setToCurrentTime: () => time(at),
        startTimer: () => timer(at),
      }
    },
    ...common(state),
  }
}

export function histogramHandle(state: MetricState): Histogram {
  const timer = (at: LabelSet) => state.timer(at, (end, seconds) => state.observeAt(end, seconds))
  return {
    observe: (value, labels) => state.observe(labels, value),
    startTimer: (labels?: MetricLabels) => timer(state.key(labels)),
    labels(...args): HistogramChild {
      const at = state.labelSet(args)
      return {
        observe: value => {
          state.checkValue(value, 'observe', undefined, true)
          state.observeAt(at, value)
        },
        startTimer: () => timer(at),
      }
    },
    ...common(state),
  }
}

// --- internal ---

function common(state: MetricState): { reset(): void; get(): Promise<MetricSnapshot> } {
  return {
    reset: () => state.reset(),
    // a promise, as prom-client's (whose collect() callbacks may be async): `await metric.get()` reads the same in both
    get: () => Promise.resolve(state.snapshot()),
  }
}
