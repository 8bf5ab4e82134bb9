import { parseInputs } from '../../../src/inputs/parse'
import { readInputs } from '../../../src/inputs/read'
import { parseRegistryAuth, passwordLikeValues, readRegistryAuth } from '../../../src/inputs/registry-auth'
import { InputError } from '../../../src/model/input-error'
import { MAX_YAML_CHARS } from '../../../src/inputs/yaml-list'
import { recorded, reset, world } from '../../support/doubles/actions-core'
import { inputSource } from '../../support/inputs'
import { base64, PASSWORD } from '../../support/registry-logins'

const YAML = `- registry: ghcr.io\n  username: bot\n  password: '${PASSWORD.replace(/'/g, "''")}'\n- registry: Docker.io\n  username: hub\n  password-env: HUB_TOKEN\n`
const ENV = { HUB_TOKEN: 'hub-secret-token' }

describe('registry-auth parsing', () => {
  it('reads registry, username and password or password-env; Docker Hub is docker.io', () => {
    expect(parseRegistryAuth(YAML, ENV)).toEqual([
      { registry: 'ghcr.io', username: 'bot', password: PASSWORD },
      { registry: 'docker.io', username: 'hub', password: 'hub-secret-token' }
    ])
  })
  it('is empty when the input is', () => {
    expect(parseRegistryAuth('  \n', {})).toEqual([])
    expect(parseInputs(inputSource({ tags: 'r.example/a' })).registryLogins).toEqual([])
  })
  it('comes parsed in the inputs from readInputs, so main never parses it again', async () => {
    reset()
    world.inputs = { tags: 'r.example/a', 'registry-auth': YAML.split('- registry: Docker.io')[0] }
    expect((await readInputs()).registryLogins).toEqual([
      { registry: 'ghcr.io', username: 'bot', password: PASSWORD }
    ])
    // parseInputs takes it only parsed: reading YAML there would load its library for every step.
    expect(() => parseInputs(inputSource({ tags: 'r.example/a', 'registry-auth': YAML }, ENV))).toThrow(
      /not parsed/
    )
  })
  it.each([
    ['registry: ghcr.io', /not a YAML list/],
    ['- [a, b', /not valid YAML/],
    ['- just-a-string', /entry 1 is not a mapping/],
    ['- registry: https://ghcr.io\n  username: u\n  password: p', /host\[:port\]/],
    ['- registry: ghcr.io/org\n  username: u\n  password: p', /host\[:port\]/],
    ['- registry: ghcr.io\n  password: p', /entry 1 has no username/],
    ['- registry: ghcr.io\n  username: u', /entry 1 has an empty password/],
    [
      '- registry: ghcr.io\n  username: u\n  password: p\n  password-env: X',
      /both password and password-env/
    ],
    ['- registry: ghcr.io\n  username: u\n  password-env: MISSING', /no variable MISSING/],
    ['- registry: ghcr.io\n  username: u\n  pasword: p', /a key other than/],
    [
      '- {registry: docker.io, username: u, password: pw-1}\n- {registry: index.docker.io, username: u, password: p}',
      /entry 2 names a registry already listed/
    ]
  ])('refuses %j naming the input, never the password', (text, reason) => {
    let message = ''
    try {
      parseRegistryAuth(text, {})
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/^Input "registry-auth": /)
    expect(message).toMatch(reason)
    expect(message).not.toMatch(/: p\b|"p"|pw-1/)
  })
})

describe('registry-auth masking', () => {
  beforeEach(reset)
  const masksOf = (text: string, env: NodeJS.ProcessEnv = {}) => {
    const masks: string[] = []
    let error: unknown
    try {
      readRegistryAuth(text, env, secret => masks.push(secret))
    } catch (caught) {
      error = caught
    }
    return { masks, error }
  }
  it('registers each password and base64(user:password) before the inputs are parsed', () => {
    expect(masksOf(YAML, ENV).masks).toEqual(
      expect.arrayContaining([
        PASSWORD,
        base64(`bot:${PASSWORD}`),
        'hub-secret-token',
        base64('hub:hub-secret-token')
      ])
    )
  })
  it('is done by readInputs, also for an entry main will refuse', async () => {
    world.inputs = {
      tags: 'r.example/a',
      'registry-auth': `- registry: ghcr.io/bad\n  username: u\n  password: sekret-1`
    }
    // readInputs parses the input now, so the refusal comes from it, after the masks.
    await expect(readInputs()).rejects.toThrow(/entry 1 needs a registry/)
    expect(recorded.secrets).toEqual(expect.arrayContaining(['sekret-1', base64('u:sekret-1')]))
  })
  it('registers what a line scan finds first, so a text the parser refuses is masked too', () => {
    const text = '- registry: ghcr.io\n  username: u\n  password: *Hunter2-q7Zx\n'
    const { masks, error } = masksOf(text)
    expect(error).toBeInstanceOf(InputError)
    expect(masks).toEqual(expect.arrayContaining(['*Hunter2-q7Zx', 'Hunter2-q7Zx']))
  })
})

describe('the line scan for password-like values', () => {
  it.each([
    ['an alias', '  password: *Hunter2-q7Zx', ['*Hunter2-q7Zx', 'Hunter2-q7Zx']],
    ['an anchor', '  password: &Hunter2 rest', ['&Hunter2 rest', 'Hunter2 rest']],
    ['a tag', '  password: !Hunter2 rest', ['!Hunter2 rest', 'Hunter2 rest']],
    ['single quotes', "  password: 'it''s-secret'", ["'it''s-secret'", "it''s-secret", "it's-secret"]],
    ['double quotes', '  password: "pa ss #1"', ['"pa ss #1"', 'pa ss #1']],
    ['a comment', '  password: s3cret-1 # rotated', ['s3cret-1 # rotated', 's3cret-1']],
    ['a flow mapping', '- {registry: r.example, username: u, password: fl0w-pw}', ['fl0w-pw}', 'fl0w-pw']],
    ['a quoted key', '  "password": qu0ted-key', ['qu0ted-key']],
    ['a misspelt key', '  Passwd: typ0-key', ['typ0-key']],
    ['a block scalar', '  password: |\n    line-one\n    line-two\n  username: u', ['line-one', 'line-two']],
    ['a value spanning lines', '  password: part-one\n   part-two\n- registry: r', ['part-one', 'part-two']]
  ])('finds %s', (_name, text, expected) => {
    expect(passwordLikeValues(text)).toEqual(expect.arrayContaining(expected))
  })
  it('leaves out names, registries, variable names and anything shorter than 4 characters', () => {
    const text = '- registry: ghcr.io\n  username: someone\n  password-env: GHCR_TOKEN\n- password: abc'
    expect(passwordLikeValues(text)).toEqual([])
  })
})

describe('the one parse of registry-auth, bounded', () => {
  const refusal = (text: string): string => {
    try {
      parseRegistryAuth(text, {})
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return (error as Error).message
    }
    throw new Error('not refused')
  }
  const entry = (password: string) => `- registry: ghcr.io\n  username: u\n  password: ${password}\n`
  it.each([
    ['an alias', entry('*Hunter2-q7Zx'), /line 3, column 13: an alias, anchor or tag/],
    ['an anchor', entry('&Hunter2-q7Zx rest'), /line 3, column 13: an alias, anchor or tag/],
    ['a tag', entry('!Hunter2-q7Zx rest'), /line 3, column 13: an alias, anchor or tag/],
    [
      'a reserved first character',
      entry('@Hunter2-q7Zx'),
      /at line 3, column 13: a value starting with a reserved/
    ],
    ['a bad escape', entry('"Hunter2-q7Zx\\q"'), /at line 3, column \d+: an unknown escape/],
    ['an unclosed quote', entry('"Hunter2-q7Zx'), /at line \d+, column \d+: a quote or bracket/],
    ['a second document', `${entry('pw-12345')}---\n${entry('Hunter2-q7Zx')}`, /a second starts at line 4/]
  ])('refuses %s with its line, column and kind, never the text', (_name, text, reason) => {
    const message = refusal(text)
    expect(message).toMatch(/^Input "registry-auth": /)
    expect(message).toMatch(reason)
    expect(message).not.toMatch(/Hunter|q7Zx/)
  })
  it('refuses a nesting 100,000 deep with an InputError, not a crash', () => {
    expect(refusal('['.repeat(100_000))).toMatch(`longer than ${MAX_YAML_CHARS} characters`)
    // Twice, as the step used to parse it: the second parse was the one that aborted Node.
    expect(refusal('['.repeat(100_000))).toMatch(/longer than/)
  })
  it.each([
    ['flow sequences', '['.repeat(10_000)],
    ['flow mappings', '{a: '.repeat(5_000)],
    ['block sequences on one line', '- '.repeat(10_000)],
    ['entries under entries', entry('pw-12345').replace('password: pw-12345', `password:${' ['.repeat(17)}`)]
  ])('refuses %s nested deeper than 16 levels before composing them', (_name, text) => {
    expect(refusal(text)).toMatch(/nests deeper than 16 levels at line \d+, column \d+/)
  })
  it('refuses an oversized input without quoting it', () => {
    const message = refusal(entry(`Hunter2-${'x'.repeat(MAX_YAML_CHARS)}`))
    expect(message).toMatch(`is longer than ${MAX_YAML_CHARS} characters`)
    expect(message).not.toMatch(/Hunter2/)
  })
  it('reads values as written, and refuses a password too short to mask', () => {
    expect(parseRegistryAuth(entry('012345'), {})[0].password).toBe('012345')
    expect(parseRegistryAuth(entry('0x1F0'), {})[0].password).toBe('0x1F0')
    expect(refusal(entry('abc'))).toMatch(/entry 1 has a password shorter than 4 characters/)
    expect(refusal(entry('[a, b]'))).toMatch(/entry 1: password is a list or mapping/)
  })
})
