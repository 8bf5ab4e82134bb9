import TOML from '@iarna/toml'
import { mergeTomlSources, parseToml, registryModelToToml, stringifyToml } from '../../src/buildkitd-config'
import { InputError } from '../../src/errors'
import { buildRegistryModel, parseMirrorEntry } from '../../src/registries'

const model = buildRegistryModel(['http://127.0.0.1:5001', 'ghcr.io=g.example'].map(parseMirrorEntry), [
  'r.local:5000'
])

describe('registry model to TOML', () => {
  it('writes quoted host sections that parse back to the model', () => {
    const text = stringifyToml(registryModelToToml(model))
    expect(text).toContain('[registry."docker.io"]')
    expect(text).toContain('[registry."127.0.0.1:5001"]')
    expect(TOML.parse(text)).toEqual({
      registry: {
        'docker.io': { mirrors: ['127.0.0.1:5001'] },
        '127.0.0.1:5001': { http: true },
        'ghcr.io': { mirrors: ['g.example'] },
        'r.local:5000': { http: true, insecure: true }
      }
    })
  })
  it('is empty without mirrors or registries', () => {
    expect(stringifyToml(registryModelToToml(new Map()))).toBe('')
  })
})

describe('parseToml', () => {
  it('names the input, the line and the bad text on a syntax error', () => {
    expect(() =>
      parseToml('buildkitd-config-inline', 'debug = true\n[registry."docker.io"\nmirrors = []')
    ).toThrow(/Input "buildkitd-config-inline": not valid TOML at line 2.*\[registry\.\\"docker\.io\\"/)
  })
  it('refuses unquoted registry hosts that BuildKit would ignore, with the fix', () => {
    let error: unknown
    try {
      parseToml('buildkitd-config', '[registry.docker.io]\nmirrors = ["m.example"]')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toContain('[registry."docker.io"]')
  })
  it('accepts quoted hosts and other sections', () => {
    const table = parseToml(
      'x',
      'debug = true\n[registry."a.example:5000"]\nhttp = true\n[worker.oci]\nmax-parallelism = 4'
    )
    expect(table).toEqual({
      debug: true,
      registry: { 'a.example:5000': { http: true } },
      worker: { oci: { 'max-parallelism': 4 } }
    })
  })
})

describe('mergeTomlSources', () => {
  it('combines lists in order without duplicates and keeps keys from every source', () => {
    const { table, warnings } = mergeTomlSources([
      {
        input: 'buildkitd-config',
        table: parseToml('f', 'debug = true\n[registry."docker.io"]\nmirrors = ["a", "b"]')
      },
      {
        input: 'inputs',
        table: { registry: { 'docker.io': { mirrors: ['b', 'c'] }, 'x:1': { http: true } } }
      }
    ])
    expect(table).toEqual({
      debug: true,
      registry: { 'docker.io': { mirrors: ['a', 'b', 'c'] }, 'x:1': { http: true } }
    })
    expect(warnings).toEqual([])
  })
  it('lets the later source win a scalar conflict with a warning naming both', () => {
    const { table, warnings } = mergeTomlSources([
      { input: 'buildkitd-config-inline', table: { registry: { 'r:5000': { http: false } } } },
      { input: 'insecure-registries', table: { registry: { 'r:5000': { http: true } } } }
    ])
    expect(table).toEqual({ registry: { 'r:5000': { http: true } } })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /registry\."r:5000"\.http = false from buildkitd-config-inline is replaced by true from insecure-registries/
    )
  })
  it('refuses a key that is a table in one source and a value in another', () => {
    expect(() =>
      mergeTomlSources([
        { input: 'a', table: { worker: { oci: { gc: true } } } },
        { input: 'b', table: { worker: 'oops' } }
      ])
    ).toThrow(/"worker" is a table in a but a value in b/)
  })
  it('does not modify its sources', () => {
    const first = { registry: { h: { mirrors: ['a'] } } }
    mergeTomlSources([
      { input: 'a', table: first },
      { input: 'b', table: { registry: { h: { mirrors: ['b'] } } } }
    ])
    expect(first).toEqual({ registry: { h: { mirrors: ['a'] } } })
  })
})
