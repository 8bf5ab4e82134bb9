import TOML from '@iarna/toml'
import fc from 'fast-check'
import {
  mergeTomlSources,
  parseToml,
  registryModelToToml,
  stringifyToml,
  TomlTable,
  withoutMirrors
} from '../../../src/model/buildkitd-toml'
import { InputError } from '../../../src/model/input-error'
import { buildRegistryModel, parseMirrorEntry } from '../../../src/model/registries'
import {
  hostPort,
  intendedModel,
  mirrorEntry,
  registryEntries,
  RUNS,
  Section,
  segment
} from '../../support/arbitraries'

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

/** The InputError a config gives, checked to be one line and to name the input. */
function refusal(input: string, text: string): InputError {
  let error: unknown
  try {
    parseToml(input, text)
  } catch (caught) {
    error = caught
  }
  expect(error).toBeInstanceOf(InputError)
  const refused = error as InputError
  expect(refused.input).toBe(input)
  expect(refused.message.startsWith(`Input "${input}": `)).toBe(true)
  expect(refused.message).not.toMatch(/[\r\n\u2028\u2029]/)
  return refused
}

const keys = (count: number): string => Array.from({ length: count }, (_, i) => `k${i}`).join('.')

describe('parseToml on hostile documents', () => {
  it.each([
    ['nested arrays', `a = ${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['nested inline tables', `a = ${'{ b = '.repeat(5000)}1${' }'.repeat(5000)}`],
    ['dotted keys', `${keys(5000)} = 1`],
    ['a table header', `[${keys(5000)}]\nx = 1`],
    ['an array of tables header', `[[${keys(5000)}]]\nx = 1`],
    ['17 levels of arrays', `a = ${'['.repeat(17)}${']'.repeat(17)}`]
  ])('refuses %s nested too deep, naming the input and the fix', (_name, text) => {
    for (const input of ['buildkitd-config', 'buildkitd-config-inline']) {
      const { reason, hint } = refusal(input, text)
      expect(reason).toContain('more than 16 levels deep')
      expect(hint).toContain('at most 16 levels deep')
    }
  })
  it('takes 16 levels', () => {
    expect(() => parseToml('buildkitd-config', `${keys(16)} = 1`)).not.toThrow()
    expect(() => parseToml('buildkitd-config', `a = ${'['.repeat(15)}${']'.repeat(15)}`)).not.toThrow()
  })
  it('turns the parser running out of stack into an InputError', () => {
    const parse = jest.spyOn(TOML, 'parse').mockImplementation(() => {
      throw new RangeError('Maximum call stack size exceeded')
    })
    try {
      const { reason, hint } = refusal('buildkitd-config', 'a = 1')
      expect(reason).toContain('nests too deeply')
      expect(hint).toContain('at most 16 levels deep')
    } finally {
      parse.mockRestore()
    }
  })
  it.each([
    '9007199254740992',
    '-9007199254740992',
    '9223372036854775807',
    '9223372036854775808',
    '0x7fffffffffffffff'
  ])('refuses the integer %s, which JavaScript cannot hold exactly', literal => {
    const { reason, value } = refusal('buildkitd-config', `[worker.oci]\ngc-keepstorage = ${literal}`)
    expect(reason).toContain('outside ±9007199254740991')
    expect(value).toBe('[worker.oci.gc-keepstorage]')
  })
  it('takes the largest safe integers, and inf and nan, and writes them back', () => {
    const table = parseToml('x', 'a = 9007199254740991\nb = -9007199254740991\nc = inf\nd = nan')
    expect(table).toEqual({ a: 9007199254740991, b: -9007199254740991, c: Infinity, d: NaN })
    expect(TOML.parse(stringifyToml(table))).toEqual(table)
  })
  it('warns when inf replaces nan, and not when nan meets nan', () => {
    const merge = (a: number, b: number) =>
      mergeTomlSources([
        { input: 'buildkitd-config-inline', table: { x: a } },
        { input: 'allow', table: { x: b } }
      ]).warnings
    expect(merge(NaN, Infinity)).toEqual([
      'buildkitd config: x = "nan" from buildkitd-config-inline is replaced by "inf" from allow.'
    ])
    expect(merge(NaN, NaN)).toEqual([])
  })
})

describe('registry hosts and mirrors in the user TOML', () => {
  it.each([
    'a b',
    'https://r.example',
    'r.example/path',
    'r.example:99999',
    'r.example:0',
    '',
    'user@r.example'
  ])('refuses the registry key %j with the key and the fix', host => {
    const text = `[registry.${JSON.stringify(host)}]\nhttp = true`
    for (const input of ['buildkitd-config', 'buildkitd-config-inline']) {
      const { reason, value, hint } = refusal(input, text)
      expect(reason).toBe('this registry key is not a valid host[:port]')
      expect(value).toBe(`[registry.${JSON.stringify(host)}]`)
      expect(hint).toContain('[registry."r.example:5000"]')
    }
  })
  it.each(['docker.io', 'r.example:5000', 'R.Example', '[::1]:5000', '127.0.0.1:5001'])('takes %s', host => {
    expect(() =>
      parseToml('buildkitd-config', `[registry.${JSON.stringify(host)}]\nhttp = true`)
    ).not.toThrow()
  })
  it.each([
    ['https://m.example', 'it starts with a scheme'],
    ['http://u:pw@m.example', 'it starts with a scheme'],
    ['u:pw@m.example', 'credentials in a mirror address are not supported'],
    ['m example', 'the host or port is not valid'],
    ['', 'the host or port is not valid'],
    ['m.example:65536', 'the host or port is not valid'],
    ['m.example/Proxy', 'the path prefix is not lower-case repository path segments'],
    [`m.example/${'a'.repeat(255)}`, 'the path prefix has 256 characters, more than 255'],
    [`m.example${'/'.repeat(50_000)}x`, 'the path prefix has']
  ])('refuses the mirror %j, saying what is wrong', (mirror, problem) => {
    const text = `[registry."docker.io"]\nmirrors = ["m.example", ${JSON.stringify(mirror)}]`
    const file = refusal('buildkitd-config', text)
    expect(file.reason).toContain(problem)
    expect(file.value).toBe('registry."docker.io".mirrors[1]')
    const inline = refusal('buildkitd-config-inline', text)
    expect(inline.reason).toContain('the mirror at registry."docker.io".mirrors[1]')
    expect(inline.reason).toContain(problem)
    expect(inline.hint).toContain('http = true')
    expect(inline.message).not.toContain('pw@')
  })
  it.each(['m.example', 'm.example:5000/proxy.docker.io', 'm.example/', 'm.example/a//', '[::1]:5001'])(
    'takes the mirror %j',
    mirror => {
      const text = `[registry."docker.io"]\nmirrors = [${JSON.stringify(mirror)}]`
      expect(() => parseToml('buildkitd-config', text)).not.toThrow()
    }
  )
})

describe('messages about the buildkitd-config file never show its text', () => {
  const SECRET = 'S3CRET-t0ken'
  it.each([
    ['a repeated key', `token = "${SECRET}"\ntoken = "${SECRET}"`],
    ['a broken line', `token = "${SECRET}`],
    ['a registry that is not a table', `registry = "${SECRET}"`],
    ['a registry entry that is not a table', `[registry]\n"docker.io" = "${SECRET}"`],
    ['mirrors of the wrong type', `[registry."docker.io"]\nmirrors = "${SECRET}"`],
    ['http of the wrong type', `[registry."docker.io"]\nhttp = "${SECRET}"`],
    ['a bad mirror', `[registry."docker.io"]\nmirrors = ["${SECRET} x"]`],
    ['a mirror with a scheme', `[registry."docker.io"]\nmirrors = ["https://${SECRET}.example"]`]
  ])('%s: where and what, not the value (the inline config is quoted)', (_name, text) => {
    const file = refusal('buildkitd-config', text)
    expect(file.message).not.toContain(SECRET)
    const inline = refusal('buildkitd-config-inline', text)
    expect(inline.message).toContain(SECRET)
  })
  it('says the line of a syntax error and the kind of a wrong value', () => {
    expect(refusal('buildkitd-config', 'a = 1\na = 2').value).toBe('<line 2, not shown>')
    const wrong = refusal('buildkitd-config', `[registry."docker.io"]\nhttp = "${SECRET}"`)
    expect(wrong.value).toBe('registry."docker.io".http = <a string>')
    expect(wrong.reason).toBe('"http" must be true or false, not a string')
  })
})

// ---- (b) The user's TOML registry sections merged with the model. ----

/**
 * Any string TOML can hold as a key or value. Refused elsewhere (the bad-input table of
 * __tests__/unit/inputs/parse.test.ts): names of Object.prototype members, and control characters other than
 * tab, LF and CR.
 */
const anyText = fc
  .oneof(
    { weight: 5, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom('docker.io', 'ghcr.io', '__proto__', 'a"b', 'x\ny', '[grpc]') }
  )
  .filter(text => text === '__proto__' || !(text in Object.prototype))
  // eslint-disable-next-line no-control-regex
  .filter(text => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text))

/** Mirror locations as a user's TOML may write them: host[:port][/path-prefix] (anything else is refused). */
const userMirror = fc.oneof(
  hostPort.map(({ key }) => key),
  fc.tuple(hostPort, segment).map(([{ key }, prefix]) => `${key}/${prefix}`),
  fc.constantFrom('m.example', 'mirror.example.com')
)
const userSection = fc.record(
  {
    mirrors: fc.array(userMirror, { maxLength: 4 }),
    http: fc.boolean(),
    insecure: fc.boolean()
  },
  { requiredKeys: [] }
)
const userRegistry = fc.uniqueArray(
  fc.tuple(
    fc.oneof(
      hostPort.map(({ key }) => key),
      fc.constantFrom('docker.io', 'ghcr.io')
    ),
    userSection
  ),
  { maxLength: 5, selector: ([host]) => host }
)

/** A table with own keys only, so "__proto__" is a key and not a prototype. */
const table = (entries: [string, unknown][]): Record<string, unknown> => {
  const result: Record<string, unknown> = {}
  for (const [key, value] of entries) {
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true })
  }
  return result
}

describe('(b) registry keys and mirrors of the user TOML', () => {
  it('are hosts, or the config is refused with an error that names the input', () => {
    fc.assert(
      fc.property(anyText, anyText, (key, mirror) => {
        const text = TOML.stringify({ registry: table([[key, { mirrors: [mirror] }]]) } as TOML.JsonMap)
        try {
          parseToml('buildkitd-config-inline', text)
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          expect((error as InputError).input).toBe('buildkitd-config-inline')
        }
      })
    )
  })
})

describe('(b) merging the user TOML with the generated registries', () => {
  it('never drops a mirror from either side and keeps their order, user mirrors first', () => {
    fc.assert(
      fc.property(userRegistry, fc.array(mirrorEntry, { maxLength: 6 }), (user, mirrors) => {
        const text = TOML.stringify({ registry: table(user) } as TOML.JsonMap)
        const parsed = parseToml('buildkitd-config-inline', text)
        const model = buildRegistryModel(
          mirrors.map(m => parseMirrorEntry(m.text)),
          []
        )
        const { table: merged } = mergeTomlSources([
          { input: 'buildkitd-config-inline', table: parsed },
          { input: 'registry-mirrors/insecure-registries', table: registryModelToToml(model) }
        ])
        const intended = intendedModel(mirrors, [])
        const userHosts = user.map(([host]) => host)
        const hosts = [...userHosts, ...[...intended.keys()].filter(key => !userHosts.includes(key))]
        const sections = new Map(user)
        const expected = hosts.map((hostKey): [string, Section] => {
          const mine: Section = sections.get(hostKey) ?? {}
          const ours: Section = intended.get(hostKey) ?? {}
          const fromUser = mine.mirrors ?? []
          const mirrorList = [...fromUser, ...(ours.mirrors ?? []).filter(m => !fromUser.includes(m))]
          // Scalars: the generated value, the later source, wins (with a warning).
          const result: Section = { ...mine, ...ours }
          if (mine.mirrors || ours.mirrors) result.mirrors = mirrorList
          return [hostKey, result]
        })
        // Sections as a Map: JavaScript objects list integer-like keys ("0") first, whatever the TOML order.
        const mergedRegistry = (merged.registry ?? {}) as Record<string, unknown>
        expect(new Map(Object.entries(mergedRegistry))).toEqual(new Map(expected))
        // The written config says the same: nothing is lost between merge, stringify and parse.
        expect(new Map(registryEntries(TOML.stringify(merged as TOML.JsonMap)))).toEqual(new Map(expected))
      }),
      RUNS
    )
  })
})

describe('buildkitd config from TOML', () => {
  it('reads a file that starts with a byte-order mark', () => {
    expect(parseToml('buildkitd-config', '\ufeffdebug = true')).toEqual({ debug: true })
  })
  it('merges "__proto__" and "constructor" as plain keys, without touching any prototype', () => {
    // parseToml keeps "__proto__" as a plain key, but refuses it as a registry host (not a host[:port]), so
    // the registry sections here come from the parser directly: the merge must hold them all the same.
    expect(JSON.stringify(parseToml('a', 'constructor = 1\n[__proto__]\npolluted = "yes"'))).toBe(
      '{"constructor":1,"__proto__":{"polluted":"yes"}}'
    )
    expect(() => parseToml('a', '[registry."__proto__"]\nmirrors = ["p1"]')).toThrow(
      'this registry key is not a valid host[:port]'
    )
    const first = TOML.parse(
      '[__proto__]\npolluted = "yes"\n[registry."__proto__"]\nmirrors = ["p1"]'
    ) as TomlTable
    const second = TOML.parse('constructor = 1\n[registry."__proto__"]\nmirrors = ["p2"]') as TomlTable
    const { table, warnings } = mergeTomlSources([
      { input: 'a', table: first },
      { input: 'b', table: second }
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(warnings).toEqual([])
    const kept = withoutMirrors(table, ['p2'])
    expect(JSON.stringify(TOML.parse(stringifyToml(kept)))).toBe(
      '{"constructor":1,"__proto__":{"polluted":"yes"},"registry":{"__proto__":{"mirrors":["p1"]}}}'
    )
  })
  it('names both sides the right way round when a value meets a table', () => {
    expect(() =>
      mergeTomlSources([
        { input: 'buildkitd-config', table: { worker: 1 } },
        { input: 'buildkitd-config-inline', table: { worker: { oci: true } } }
      ])
    ).toThrow('"worker" is a table in buildkitd-config-inline but a value in buildkitd-config')
  })
  it('refuses control characters the TOML writer would leave raw, so the written config always parses', () => {
    expect(() => parseToml('x', 'a = "\\u0001\\u0001"')).toThrow(/control character U\+0001/)
    expect(() => parseToml('x', 'a = "tab\\tline\\nreturn\\r"')).not.toThrow()
  })
})
