import * as log from '../../../../src/run/runner/log'
import { recorded, reset } from '../../../support/doubles/actions-core'

// Work that runs beside a log group (a builder booting during the preflight) writes its lines only when released.

beforeEach(() => reset())
const lines = () => recorded.lines.map(({ kind, text }) => `${kind}:${text}`)
const tick = () => new Promise(resolve => setImmediate(resolve))

describe('holdOutput', () => {
  it('keeps what a run writes until it is released, in order, after what was written meanwhile', async () => {
    let finish = () => {}
    const held = log.holdOutput(async () => {
      await log.group('Builder b', async () => {
        log.info('creating')
        await new Promise<void>(resolve => (finish = resolve))
        log.warning('slow boot')
      })
      return 7
    })
    await tick()
    log.info('preflight table')
    finish()
    await expect(held.result).resolves.toBe(7)
    expect(lines()).toEqual(['info:preflight table'])
    held.release()
    expect(lines()).toEqual([
      'info:preflight table',
      'group:Builder b',
      'info:creating',
      'warning:slow boot',
      'endgroup:'
    ])
  })

  it('lets what the run started write directly once released', async () => {
    let later = () => {}
    const held = log.holdOutput(async () => {
      void new Promise<void>(resolve => (later = resolve)).then(() => log.info('nodes read'))
    })
    await held.result
    held.release()
    later()
    await tick()
    expect(lines()).toEqual(['info:nodes read'])
  })

  it('keeps at most 1 MiB of relayed output, closes the fence, and says how much it left out', async () => {
    const written: string[] = []
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written.push(String(chunk))
      return true
    })
    try {
      const held = log.holdOutput(async () => {
        const relay = new log.FencedRelay()
        for (let i = 0; i < 3; i++) relay.write('stdout', `${'x'.repeat(512 * 1024 - 1)}\n`)
        relay.close()
      })
      await held.result
      expect(written).toEqual([])
      held.release()
      const text = written.join('')
      const token = /^::stop-commands::([0-9a-f]{32})$/m.exec(text)?.[1]
      expect(token).toBeDefined()
      expect(text.endsWith(`::${token}::\n`)).toBe(true)
      expect(text.length).toBeLessThan(1024 * 1024 + 200)
    } finally {
      stdout.mockRestore()
    }
    expect(lines()).toEqual([`info:(${512 * 1024} more bytes of that output are not shown)`])
  })
})
