import { explainFailure } from '../../src/model/diagnosis'
import { StepCounter } from '../../src/model/progress-output'
import { parseInspectNodes } from '../../src/model/inspect-output'
import TOML from '@iarna/toml'
import {
  mergeTomlSources,
  parseToml,
  stringifyToml,
  TomlTable,
  withoutMirrors
} from '../../src/model/buildkitd-toml'
import { quoteValue } from '../../src/model/input-error'
import { maskUserInfo, proxyCredentialSecrets } from '../../src/model/credentials'
import { isHost, isPort } from '../../src/model/hosts'
import { splitCsvLine } from '../../src/model/csv'
import { parseProxyUrl } from '../../src/model/proxy'
import { isImageReference } from '../../src/model/image-ref'
import { isPlatform, suggestPlatform } from '../../src/model/platform'
import { parseMirrorEntry } from '../../src/model/registries'

/** Unit tests for the fixes the bad-input table (bad-inputs.test.ts) exposed, one helper at a time. */

describe('quoteValue', () => {
  it('is JSON.stringify for printable text', () => {
    expect(quoteValue('a "b" \\ c')).toBe(JSON.stringify('a "b" \\ c'))
  })
  it('escapes what JSON leaves raw: invisible, bidi, NBSP, line separators, DEL', () => {
    expect(quoteValue('a\u200bb\u202ec\u00a0d\u2028e\u007f')).toBe(
      '"a\\u200bb\\u202ec\\u00a0d\\u2028e\\u007f"'
    )
  })
})

describe('maskUserInfo', () => {
  it.each([
    ['http://u:s3cr3t@pa55@p:1', 'http://***@p:1'],
    ['http://u:pa/ss@p:1', 'http://***@p:1'],
    ['http://u:pa ss@p:1', 'http://***@p:1'],
    ['u:pw@p:1', '***@p:1'],
    ['http://p:1', 'http://p:1']
  ])('masks all of %s', (value, masked) => {
    expect(maskUserInfo(value)).toBe(masked)
  })
})

describe('proxyCredentialSecrets', () => {
  it('registers a password that holds "@" whole', () => {
    expect(proxyCredentialSecrets('http://u:s3cr3t@pa55@p:1')).toContain('s3cr3t@pa55')
  })
})

describe('parseProxyUrl', () => {
  it('keeps the URL as written and reads the host the way URL() canonicalizes it', () => {
    expect(parseProxyUrl('http-proxy', 'http://[0:0::1]:3128/')).toEqual({
      url: 'http://[0:0::1]:3128',
      hostname: '::1',
      display: 'http://[0:0::1]:3128'
    })
  })
  it('accepts an IPv6 zone, which URL() cannot parse', () => {
    expect(parseProxyUrl('http-proxy', 'http://[fe80::1%25eth0]:3128').hostname).toBe('fe80::1%25eth0')
  })
})

describe('splitCsvLine', () => {
  it('keeps an unclosed quote literally, with the rest of the line', () => {
    expect(splitCsvLine('a,"b,c')).toEqual(['a', '"b,c'])
    expect(splitCsvLine('"')).toEqual(['"'])
  })
})

describe('hosts', () => {
  it('reads IPv6 literals as addresses, not as hex and colons', () => {
    expect(['[::1]', '[fe80::1%eth0]', '[::ffff:127.0.0.1]'].map(isHost)).toEqual([true, true, true])
    expect(['[:]', '[:::]', '[1::2::3]', '[::1%]', '[::1%a%b]'].map(isHost)).toEqual([
      false,
      false,
      false,
      false,
      false
    ])
  })
  it('reads ports as 1 to 65535 in ASCII digits', () => {
    expect(['1', '65535', '05000'].map(isPort)).toEqual([true, true, true])
    expect(['0', '65536', '+80', '８０', '', '123456'].map(isPort)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false
    ])
  })
})

describe('references', () => {
  it('refuses registry ports and IPv6 registries that cannot exist', () => {
    expect(isImageReference('r.example:5000/app')).toBe(true)
    expect(isImageReference('[::1]:5000/app')).toBe(true)
    expect(isImageReference('r.example:0/app')).toBe(false)
    expect(isImageReference('r.example:65536/app')).toBe(false)
    expect(isImageReference('[:]:5000/app')).toBe(false)
  })
  it('bounds platform components', () => {
    expect(isPlatform(`linux/${'a'.repeat(32)}`)).toBe(true)
    expect(isPlatform(`linux/${'a'.repeat(33)}`)).toBe(false)
  })
  it('never suggests an Object.prototype member as an architecture', () => {
    expect(['constructor', 'linux/constructor', 'linux/__proto__', 'toString'].map(suggestPlatform)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined
    ])
    expect(isPlatform('linux/constructor')).toBe(true)
  })
})

describe('parseMirrorEntry', () => {
  it('takes a path prefix of up to 255 characters', () => {
    const prefix = `/${'a'.repeat(254)}`
    expect(parseMirrorEntry(`m.example${prefix}`).location).toBe(`m.example${prefix}`)
    expect(() => parseMirrorEntry(`m.example${prefix}a`)).toThrow(/the path prefix has 256 characters/)
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

describe('StepCounter on lines of any length', () => {
  it('counts the steps around a long line that arrives in many chunks', () => {
    const counter = new StepCounter()
    counter.add('#5 [linux/amd64 2/3] RUN yes\n#5 ')
    for (let i = 0; i < 2000; i++) counter.add('y'.repeat(1000))
    counter.add('\r\n#5 CACHED\r\n#6 [3/3] COPY . .\n#6 DONE 0.1s')
    expect(counter.totals()).toEqual({ steps: 2, cached: 1, executed: 1 })
  })
  it('does not take a long line that starts like "#N CACHED" for one', () => {
    const counter = new StepCounter()
    counter.add('#5 [1/1] RUN x\n#5 CACHED')
    counter.add(`${' '.repeat(5000)}x\n`)
    expect(counter.totals()).toEqual({ steps: 1, cached: 0, executed: 1 })
  })
  it('reads a CR split from its LF by a chunk boundary', () => {
    const counter = new StepCounter()
    for (const chunk of ['#5 [1/1] RUN x\r', '\n#5 CACHED\r', '\n']) counter.add(chunk)
    expect(counter.totals()).toEqual({ steps: 1, cached: 1, executed: 0 })
  })
})

describe('parseInspectNodes on odd lines', () => {
  it('reads fields after long runs of spaces and with line separators in them', () => {
    const output = `x\nNodes:\nName:${' '.repeat(100_000)}b0\u2028\nStatus:  running\nPlatforms: linux/amd64*,${' ,'.repeat(1000)}`
    expect(parseInspectNodes(output)).toEqual([
      { name: 'b0', endpoint: '', status: 'running', platforms: ['linux/amd64'], pinned: ['linux/amd64'] }
    ])
  })
  it('ignores lines whose key is only like a field', () => {
    expect(parseInspectNodes('x\nNodes:\nName: a\nNamed: b\n Status: x\nStatus:ok')).toEqual([
      { name: 'a', endpoint: '', status: 'ok', platforms: [], pinned: [] }
    ])
  })
})

describe('explainFailure on long lines', () => {
  it('cuts a line it shows, saying how much is left out', () => {
    const [line] = explainFailure(`ERROR: ${'z'.repeat(5000)}`)
    expect(line).toBe(`ERROR: ${'z'.repeat(993)} … (4007 more characters)`)
  })
})
