/**
 * `SET key value [PX ms]` for the redis tier, framed in one allocation. ioredis frames a command
 * with a Buffer argument through a list of parts (each string measured twice, written one by one
 * into a new Buffer): ~2.5 µs per set on the bench machine, ten times its all-string framing and
 * more than the rest of the tier's own work. This subclass of ioredis' public `Command` class
 * overrides its public `toWritable` with the same bytes built at once; everything else (the
 * reply, the offline queue, resends after a reconnect) stays ioredis'.
 */

/** ioredis' `Command` as this file uses it (the module is imported on first use, so no type import). */
export type CommandClass = new (name: string, args: (string | Buffer)[], options?: { replyEncoding?: string | null }) => object

export type SetCommandClass = new (key: string, value: Buffer, px: number | undefined) => object

export function defineSetCommand(Command: CommandClass): SetCommandClass {
  return class SetCommand extends Command {
    private readonly _key: string
    private readonly _value: Buffer
    private readonly _px: string | undefined

    constructor(key: string, value: Buffer, px: number | undefined) {
      const ms = px === undefined ? undefined : String(px)
      super('set', ms === undefined ? [key, value] : [key, value, 'PX', ms], { replyEncoding: 'utf8' })
      this._key = key
      this._value = value
      this._px = ms
    }

    /** The RESP frame ioredis would write: `*N`, then `$<bytes>` and the bytes of the name and each argument. */
    toWritable(): Buffer {
      const key = this._key
      const value = this._value
      const ms = this._px
      const keyBytes = Buffer.byteLength(key)
      const head = `*${ms === undefined ? 3 : 5}\r\n$3\r\nset\r\n$${keyBytes}\r\n${key}\r\n$${value.length}\r\n`
      const tail = ms === undefined ? '\r\n' : `\r\n$2\r\nPX\r\n$${ms.length}\r\n${ms}\r\n`
      const at = head.length - key.length + keyBytes
      const out = Buffer.allocUnsafe(at + value.length + tail.length)
      out.write(head, 0, at)
      value.copy(out, at)
      out.write(tail, at + value.length, tail.length, 'latin1')
      return out
    }
  }
}
