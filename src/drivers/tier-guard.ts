/**
 * Guards a namespace's tiers. A local tier (memory, fs) is called straight, and its failing calls are
 * told once per cause (local-incidents.ts); a remote one (Redis, an unstorage driver) gets a
 * RemoteTierGuard (remote-tier-guard.ts: every call bounded by `cache.timeout`, the tier skipped
 * while down), whose code loads only with such a tier: a memory + fs cache never reads it.
 */
import { errorMessage } from '../errors.js'
import { LocalIncidents } from './local-incidents.js'
import type { Tier } from './types.js'

/**
 * The failures a guard counted as its tier's (the connection down, a timeout), each told with its
 * incident: the caller that gets one counts it and tells nobody (NamespaceEvents.report).
 */
const TOLD = new WeakSet<object>()

/** A failed call's error that its tier's guard has told as part of an incident (the tier down). */
export function toldByGuard(error: unknown): boolean {
  return typeof error === 'object' && error !== null && TOLD.has(error)
}

/** The error is told with its tier's incident (RemoteTierGuard). */
export function tellWithIncident(error: unknown): void {
  if (typeof error === 'object' && error !== null) TOLD.add(error)
}

/** Called when a remote tier is found down (once per incident): `tier`, and why. */
export type OnDown = (tier: Tier, error: unknown) => void

/** The guards of `tiers`, in their order; the remote ones' module is imported when there is one. */
export function guardTiers(tiers: Tier[], timeout: number, onDown: OnDown): TierGuard[] | Promise<TierGuard[]> {
  if (!tiers.some(t => t.remote)) return tiers.map(t => new TierGuard(t))
  return import('./remote-tier-guard.js').then(({ RemoteTierGuard }) => tiers.map(t => t.remote ? new RemoteTierGuard(t, timeout, onDown) : new TierGuard(t)))
}

/** A local tier's guard (memory, fs): its calls run straight; RemoteTierGuard, a remote one's. */
export class TierGuard {
  /** A local tier's failing calls, told once per cause (local-incidents.ts). */
  private readonly _local = new LocalIncidents()

  constructor(readonly tier: Tier) {}

  /** Whether the tier is used now: a local one always; a remote one not while it is down. */
  get up(): boolean {
    return true
  }

  /** Runs op (a remote tier's: bounded by the timeout, errors and timeouts mark it down). */
  call<T>(op: (tier: Tier) => Promise<T>): Promise<T> {
    return op(this.tier)
  }

  /**
   * A read (`r`) or write (`w`) failed: whether to tell it (`cache:error`, the warning). A local
   * tier's: once per cause until a call of that kind succeeds again (local-incidents.ts); a remote
   * tier's: always (its incidents are its guard's to tell: toldByGuard).
   */
  failed(op: 'r' | 'w', error: unknown): boolean {
    return this._local.failed(op, error)
  }

  /**
   * Whether the tier takes writes now: up, and (a local tier) its writes not failing (a read-only
   * or unsafe cache dir). A faster tier's copy dropped while a slower one stores is no entry lost.
   */
  get storing(): boolean {
    return this.up && !this._local.writesFailing
  }

  /** The tier stored a write (a local tier's failing writes are over). Returns true. */
  wrote(): true {
    this._local.over('w')
    return true
  }

  /** The tier answered a read, a miss too (a local tier's failing reads are over). */
  readOk(): void {
    this._local.over('r')
  }
}

/** Incidents over, per tier: a tier down again after answering is a new incident (its warning is printed again). */
const incidents = new WeakMap<Tier, number>()

/** An incident of the tier is over (a remote tier without a shared health: RemoteTierGuard). */
export function incidentOver(tier: Tier): void {
  incidents.set(tier, incidentOf(tier) + 1)
}

/** How many incidents of the tier's connection (Redis: every namespace's, the history's) are over in this process. */
/** The connection a remote tier is on, as one warning's key names it: every tier on one Redis alike (its shared health), else the tier. */
export function connectionOf(tier: Tier): number {
  const of = tier.health ?? tier
  let id = connections.get(of)
  if (id === undefined) connections.set(of, (id = ++lastConnection))
  return id
}
const connections = new WeakMap<object, number>()
let lastConnection = 0

export function incidentOf(tier: Tier): number {
  return tier.health?.incidents ?? incidents.get(tier) ?? 0
}

/** A timeout (TimeoutError's code). */
export function isTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'E_TIMEOUT'
}

/**
 * A failure's reason as reports tell them apart: every timeout alike (their bounds differ), every
 * lost connection alike (closed, reset, refused: a server killed fails the calls in flight one way
 * and the probes another), and a server's answer by its message (a refused AUTH after the
 * connection closed, a Cluster node: news, told in the same incident).
 */
export function reasonOf(error: unknown): string {
  if (isTimeout(error)) return 'E_TIMEOUT'
  const e = error as { name?: unknown; code?: unknown } | null
  return e?.name === 'ReplyError' || e?.code === 'E_REDIS_CLUSTER' ? errorMessage(error) : 'E_CONNECTION'
}
