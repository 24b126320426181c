/**
 * The longer messages of errors.ts's classes, built when one is made. A deferred module
 * (scripts/build.mjs): the classes are on the start path (`instanceof`), their messages only on the
 * error path; a constructor loads this synchronously, so the error is made and thrown as before.
 */

/** CycleError's: a → b: a depends on b (a build graph's arrows often say "runs before": said once). */
export function cycleMessage(cycle: string[]): string {
  // a long cycle is shortened in the message, whole in `cycle`
  const shown = cycle.length > 12 ? [...cycle.slice(0, 10), `… (${cycle.length - 12} more)`, ...cycle.slice(-2)] : cycle
  return `dependency cycle in graph: ${shown.join(' → ')} (→: depends on)`
}

/** NamespaceAccessError's: a `plugin:*` namespace opened by name, or another namespace asked of a plugin's own `cache` (`from`). */
export function namespaceAccessMessage(namespace: string, from: string | undefined): string {
  return from !== undefined && !namespace.startsWith('plugin:')
    ? `a plugin's own \`cache\` ('${from}') opens no other namespace: for '${namespace}' use \`perf.cache.namespace('${namespace}')\` (or \`shared\`, the namespace all plugins share)`
    : `cache namespace '${namespace}' is reserved: 'plugin:*' namespaces are reachable only through that plugin's own \`cache\``
}
