import fc from 'fast-check'
import { InputError } from '../../../src/model/input-error'
import {
  buildRegistryModel,
  parseInsecureRegistry,
  parseMirrorEntry,
  registryHosts
} from '../../../src/model/registries'
import { insecureEntry, mirrorEntry, RUNS } from '../../support/arbitraries'

describe('parseMirrorEntry', () => {
  it.each([
    [
      'mirror.example.com',
      {
        registry: 'docker.io',
        location: 'mirror.example.com',
        hostKey: 'mirror.example.com',
        plainHttp: false
      }
    ],
    [
      'https://mirror.example.com/',
      {
        registry: 'docker.io',
        location: 'mirror.example.com',
        hostKey: 'mirror.example.com',
        plainHttp: false
      }
    ],
    [
      'http://127.0.0.1:5001',
      { registry: 'docker.io', location: '127.0.0.1:5001', hostKey: '127.0.0.1:5001', plainHttp: true }
    ],
    [
      'harbor.example.com/proxy.docker.io',
      {
        registry: 'docker.io',
        location: 'harbor.example.com/proxy.docker.io',
        hostKey: 'harbor.example.com',
        plainHttp: false
      }
    ],
    [
      'ghcr.io=ghcr.example.cn',
      { registry: 'ghcr.io', location: 'ghcr.example.cn', hostKey: 'ghcr.example.cn', plainHttp: false }
    ],
    [
      'index.docker.io = http://[::1]:5001',
      { registry: 'docker.io', location: '[::1]:5001', hostKey: '[::1]:5001', plainHttp: true }
    ],
    [
      'Mirror.Example.COM',
      {
        registry: 'docker.io',
        location: 'mirror.example.com',
        hostKey: 'mirror.example.com',
        plainHttp: false
      }
    ]
  ])('parses %s', (entry, expected) => {
    expect(parseMirrorEntry(entry)).toEqual(expected)
  })

  it.each([
    ['ftp://mirror.example.com', /unsupported scheme/],
    ['mirror.example.com:99999', /not a valid host/],
    ['http://user:pass@mirror.example.com', /credentials/],
    ['mirror..example.com', /not a valid host/],
    ['mirror.example.com/Bad Prefix', /not a valid host|path prefix/],
    ['=mirror.example.com', /not a valid registry/],
    ['ghcr.io=', /not a valid host/],
    ['mirror.example.com/UPPER', /path prefix/]
  ])('rejects %s naming the input', (entry, reason) => {
    let error: unknown
    try {
      parseMirrorEntry(entry)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('registry-mirrors')
    expect((error as Error).message).toMatch(reason)
    // A mirror with credentials is shown masked; every other entry as given.
    expect((error as Error).message).toContain(
      JSON.stringify(entry.includes('@') ? entry.replace(/\/\/[^@]*@/, '//***@') : entry)
    )
  })

  it('takes a path prefix of up to 255 characters', () => {
    const prefix = `/${'a'.repeat(254)}`
    expect(parseMirrorEntry(`m.example${prefix}`).location).toBe(`m.example${prefix}`)
    expect(() => parseMirrorEntry(`m.example${prefix}a`)).toThrow(/the path prefix has 256 characters/)
  })
})

describe('parseInsecureRegistry', () => {
  it('accepts host[:port] and strips a scheme', () => {
    expect(parseInsecureRegistry('registry.local:5000')).toBe('registry.local:5000')
    expect(parseInsecureRegistry('http://Registry.Local')).toBe('registry.local')
  })
  it('rejects a path', () => {
    expect(() => parseInsecureRegistry('registry.local:5000/v2')).toThrow(/insecure-registries/)
  })
})

describe('buildRegistryModel', () => {
  it('keeps mirror order per registry, without duplicates', () => {
    const model = buildRegistryModel(
      ['https://a.example', 'b.example', 'a.example', 'ghcr.io=g.example'].map(parseMirrorEntry),
      []
    )
    expect(model.get('docker.io')?.mirrors).toEqual(['a.example', 'b.example'])
    expect(model.get('ghcr.io')?.mirrors).toEqual(['g.example'])
  })
  it('gives a plain-HTTP mirror its own section and never marks the mirrored registry http', () => {
    const model = buildRegistryModel([parseMirrorEntry('http://mirror.local:5001/hub')], [])
    expect(model.get('docker.io')).toEqual({ mirrors: ['mirror.local:5001/hub'] })
    expect(model.get('mirror.local:5001')).toEqual({ mirrors: [], http: true })
  })
  it('marks insecure registries both http and insecure', () => {
    const model = buildRegistryModel([], ['registry.local:5000'])
    expect(model.get('registry.local:5000')).toEqual({ mirrors: [], http: true, insecure: true })
  })
  it('lists the hosts BuildKit connects to', () => {
    const model = buildRegistryModel(['http://m.local:5001/p', 'ghcr.io=g.local'].map(parseMirrorEntry), [
      'r.local:5000'
    ])
    expect(registryHosts(model).sort()).toEqual(['g.local', 'ghcr.io', 'm.local:5001', 'r.local:5000'])
  })
})

describe('(a) accepted mirrors and insecure registries', () => {
  it('parse one by one into the entry they describe', () => {
    fc.assert(
      fc.property(mirrorEntry, insecureEntry, (mirror, insecure) => {
        expect(parseMirrorEntry(mirror.text)).toEqual({
          registry: mirror.registry,
          location: mirror.location,
          hostKey: mirror.hostKey,
          plainHttp: mirror.plainHttp
        })
        expect(parseInsecureRegistry(insecure.text)).toBe(insecure.key)
      }),
      RUNS
    )
  })
})
