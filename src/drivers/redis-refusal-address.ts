/**
 * A Redis refusal that does not say which server (a wrong password's `WRONGPASS`, a database past the
 * server's `databases`, a certificate not trusted) is told with its address, never the url's
 * credentials: the cache and `report.historyDriver`, or two namespaces, may each have a Redis of
 * their own, and the warning said only "the redis tier failed (WRONGPASS …)".
 */

/** Node's codes for a server certificate whose issuer is not trusted (a private CA, a self-signed one). */
const UNTRUSTED = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?)$/

/**
 * `error` (a connection's error event) given the server's address `at` (host:port or a socket path),
 * unless it names it already. Said in place: its name and code are what tell a refused connection
 * from one refused call (redis-failures.ts).
 */
export function nameServer(error: unknown, at: string): void {
  if (!(error instanceof Error) || error.message.includes(at)) return
  const code = (error as { code?: unknown }).code
  const hint = typeof code === 'string' && UNTRUSTED.test(code) ? "; a certificate of a private CA: the tier's tls: { ca } or NODE_EXTRA_CA_CERTS" : ''
  error.message += ` (at ${at}${hint})`
}
