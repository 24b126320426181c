/**
 * Types of `perf.config.ts`'s `monitors`: the samplers, alert rules (each threshold in its metric's
 * unit) and the Prometheus export. Imports nothing at runtime; src/config/types.ts re-exports them.
 */
import type { Duration, Size, SizeUnit } from './types.js'
import type { METRIC_KINDS, MetricKind, MonitorMetric } from '../runtime/monitors/metric-kinds.js'

/** A rate: bytes per second; a string takes a size unit, with or without `/s`: `'10MB/s'`, `'10MB'` (per second). */
export type Rate = Size | `${number}${SizeUnit}/s`
/** A percentage: a number is percent (`90`), a string takes `%` (`'90%'`). For a ratio metric (0–1), `'90%'` is 0.9. */
export type Percent = number | `${number}%`
/** The threshold a metric of this kind takes (the kinds: {@link MetricKind}). */
export type ThresholdOf<K extends MetricKind> =
  K extends 'size' ? Size : K extends 'duration' ? Duration : K extends 'rate' ? Rate : K extends 'percent' | 'ratio' ? Percent : number
/** An alert threshold of any metric (each metric's own: {@link AlertsConfig}). */
export type AlertThreshold = Size | Duration | Rate | Percent
/** A threshold: a bare value = `{ above: value }`. */
export type AlertRule<T = AlertThreshold> =
  | T
  | {
    /** Fires when the value is above this. */
    above?: T | undefined
    /** Fires when the value is below this. */
    below?: T | undefined
    /** How long every sample must breach before it fires. Number = ms, string = `'10s'`. @default 0 (the first breaching sample) */
    for?: Duration | undefined
  }
/**
 * Metric path → rule, each threshold in its metric's unit (the table: docs "Metrics and units"):
 * sizes for `memory.*` and `system.memory.*`/`system.disk.*` (`'500MB'`, or bytes), durations for
 * `eventLoop.p50|p99|max|mean`, `gc.pause` and `cpu.user|system` (`'100ms'`, or ms), rates for
 * `system.network.*` (`'10MB/s'`, or bytes per second), percentages for `*percent`/`*Percent`
 * (`90` or `'90%'`), a fraction for `eventLoop.utilization` (`0.9` or `'90%'`), plain numbers for
 * `handles.active`, `gc.count`, `system.load.avg`. An unknown path is a config error.
 */
export type AlertsConfig = { [M in MonitorMetric]?: AlertRule<ThresholdOf<(typeof METRIC_KINDS)[M]>> | undefined }

export type PrometheusConfig =
  | {
    /** Port of the HTTP endpoint; `0` = one the OS picks (`perf.monitors.prometheus.address()` says which). */
    port: number
    /** Interface it listens on. @default '127.0.0.1' */
    host?: string | undefined
    /** Path of the metrics; `/healthz` answers beside it. @default '/metrics' */
    path?: string | undefined
  }
  | {
    /** A textfile for node_exporter's textfile collector (name it `*.prom`), written every interval and at exit. */
    file: string
  }
  | {
    /** The Pushgateway's `http://` or `https://` url: one push at close. */
    pushgateway: string
    /** The pushgateway's `job` label. @default the config `name` */
    job?: string | undefined
    /**
     * More labels of the pushgateway's group key, beside `job` (`{ instance: process.env.CI_RUNNER_ID }`):
     * a push replaces its group, so machines pushing the same job without them overwrite each other. Values are
     * strings: an unset variable is a config error (`process.env.CI_RUNNER_ID ?? hostname()`), not a label left out.
     */
    grouping?: Record<string, string> | undefined
  }

export interface MonitorsConfig {
  /** `false`: no sampler, timer or server is created. @default true when `monitors` is present */
  enabled?: boolean | undefined
  /** Sampling period. Number = ms, string = `'1s'`. @default '1s' */
  interval?: Duration | undefined
  /** Event loop delay p50, p99, max, mean (ms) and utilization (0–1). @default true */
  eventLoop?: boolean | undefined
  /** `process.memoryUsage()`: rss, heapUsed, heapTotal, external, arrayBuffers (bytes). @default true */
  memory?: boolean | undefined
  /** CPU `percent` of one core, `user` and `system` ms, since the previous sample. @default true */
  cpu?: boolean | undefined
  /** Garbage collections: `count` and total `pause` (ms) since the previous sample. @default true */
  gc?: boolean | undefined
  /** systeminformation: load, memory, disk, network. Loaded lazily. @default false */
  system?: boolean | undefined
  /** Metric path → threshold in the metric's unit, e.g. `'memory.rss': { above: '500MB', for: '10s' }` ({@link AlertsConfig}). */
  alerts?: AlertsConfig | undefined
  /**
   * Prometheus export: an HTTP endpoint `{ port, host?, path? }`, a textfile `{ file }` or a push
   * at close `{ pushgateway, job?, grouping? }`. @default false
   */
  prometheus?: PrometheusConfig | false | undefined
  /** Export spans and metrics through @opentelemetry/api when installed. @default false */
  opentelemetry?: boolean | {
    /** The OpenTelemetry `service.name`. @default the config `name` */
    serviceName?: string | undefined
  } | undefined
}
