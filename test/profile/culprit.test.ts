import { describe, expect, it } from 'vitest'
import type { DiffNode } from '../../src/profile/diff-tree.js'
import { growthCallers, isApplicationFrame } from '../../src/profile/culprit.js'

const n = (name: string, l: number, r: number, children: DiffNode[] = []): DiffNode => ({ name, left: { self: 0, total: l }, right: { self: 0, total: r }, children })

describe('growthCallers', () => {
  it('names the application method on the path where a platform frame grew', () => {
    const tree = {
      root: n('total', 100, 100, [
        n('java/lang/Thread.run', 100, 100, [
          n('com/acme/Pay.signPerCall', 10, 60, [n('java/security/MessageDigest.getInstance', 10, 60, [n('sun/security/provider/DigestBase.<init>', 10, 60)])]),
          n('com/acme/Audit.log', 20, 10, [n('sun/security/provider/DigestBase.<init>', 20, 10)]),
          n('com/acme/Other.work', 70, 30)
        ])
      ]),
      leftTotal: 100,
      rightTotal: 100
    }
    const callers = growthCallers(tree, new Set(['sun/security/provider/DigestBase.<init>', 'com/acme/Other.work']))
    expect(callers.get('sun/security/provider/DigestBase.<init>')).toBe('com/acme/Pay.signPerCall')
    expect(callers.has('com/acme/Other.work')).toBe(false) // shrank: nothing to blame
  })

  it('tells platform frames from application frames', () => {
    for (const f of ['java/util/Formatter.parse', 'jdk/internal/misc/Unsafe.allocateUninitializedArray', 'libc.so.6.write', '.I2C/C2I adapters', 'io/vertx/core/impl/TaskQueue.run']) expect(isApplicationFrame(f), f).toBe(false)
    expect(isApplicationFrame('com/example/bank/payment/PaymentSigner.signPerCall')).toBe(true)
  })
})
