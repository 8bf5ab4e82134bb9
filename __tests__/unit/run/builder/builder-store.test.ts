import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeSealedDriverValues } from '../../../../src/run/builder/builder-store'

describe('writeSealedDriverValues', () => {
  const record = (driverOpts: Record<string, string>[]) => ({
    Name: 'b1',
    Driver: 'docker-container',
    Nodes: driverOpts.map((opts, index) => ({ Name: `b1${index}`, DriverOpts: opts, Flags: null }))
  })
  const store = (content: object | undefined) => {
    const dir = mkdtempSync(join(tmpdir(), 'buildx-'))
    mkdirSync(join(dir, 'instances'))
    if (content) writeFileSync(join(dir, 'instances', 'b1'), JSON.stringify(content), { mode: 0o600 })
    return { env: { BUILDX_CONFIG: dir }, file: join(dir, 'instances', 'b1') }
  }
  const sealed = new Map([['mpb-sealed-env.HTTPS_PROXY', 'http://ci:pw@p:3128']])

  it('puts the value in place of its placeholder in every node, keeping the rest of the record and mode 0600', () => {
    const { env, file } = store(
      record([
        { image: 'i', 'env.HTTPS_PROXY': 'mpb-sealed-env.HTTPS_PROXY' },
        { 'env.HTTPS_PROXY': 'mpb-sealed-env.HTTPS_PROXY', 'env.NO_PROXY': 'a' }
      ])
    )
    writeSealedDriverValues('b1', sealed, env)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(
      record([
        { image: 'i', 'env.HTTPS_PROXY': 'http://ci:pw@p:3128' },
        { 'env.HTTPS_PROXY': 'http://ci:pw@p:3128', 'env.NO_PROXY': 'a' }
      ])
    )
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('does nothing when nothing is sealed, and throws when the record is missing or holds no placeholder', () => {
    expect(() => writeSealedDriverValues('b1', new Map(), store(undefined).env)).not.toThrow()
    expect(() => writeSealedDriverValues('b1', sealed, store(undefined).env)).toThrow(/ENOENT/)
    expect(() => writeSealedDriverValues('b1', sealed, store(record([{ image: 'i' }])).env)).toThrow(
      /holds none of the values/
    )
  })
})
