import { parseState } from '../../../src/model/saved-state'

describe('the saved state', () => {
  it('keeps a warm lease only as a string', () => {
    const base = { builder: 'mpb-warm-0123456789abcdef', workDir: '/w', cleanup: false, keepState: false }
    expect(parseState(JSON.stringify({ ...base, warmLease: '/x/leases/a.1' })).warmLease).toBe(
      '/x/leases/a.1'
    )
    expect(() => parseState(JSON.stringify({ ...base, warmLease: 7 }))).toThrow(
      'the saved warm lease is invalid'
    )
  })
})
