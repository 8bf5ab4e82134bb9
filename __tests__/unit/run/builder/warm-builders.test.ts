import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { releaseLease, takeLease } from '../../../../src/run/builder/warm-builders'

describe('leases and the lock', () => {
  const builder = 'mpb-warm-0123456789abcdef'
  it('release only a lease file of this builder in this folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warm-'))
    const lease = takeLease(builder, dir)
    expect(lease).toBe(join(dir, 'leases', `${builder}.${process.pid}`))
    const planted = join(dir, 'planted')
    writeFileSync(planted, '')
    expect(releaseLease(builder, planted, dir)).toBe(false)
    expect(releaseLease(builder, `${dir}/leases/../leases/${builder}.${process.pid}`, dir)).toBe(false)
    expect(releaseLease('mpb-warm-ffffffffffffffff', lease, dir)).toBe(false)
    expect(readdirSync(join(dir, 'leases'))).toEqual([`${builder}.${process.pid}`])
    expect(releaseLease(builder, lease, dir)).toBe(true)
    expect(readdirSync(join(dir, 'leases'))).toEqual([])
    expect(readdirSync(join(dir, 'used'))).toEqual([builder])
  })
})
