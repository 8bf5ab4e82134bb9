import {
  gitContextHost,
  parseBuilderInputs,
  parseBuildInputs,
  secretValuesToMask
} from '../../../src/inputs/build-options'
import { InputError } from '../../../src/model/input-error'
import { parseInputs } from '../../../src/inputs/parse'
import { makePlan } from '../../../src/plan/plan'
import { inputSource } from '../../support/inputs'
import { PLAN_CONTEXT as context } from '../../support/plan'

const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('secret inputs read as build-push-action reads them', () => {
  const KEY = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END KEY-----\n'
  const planOf = (values: Record<string, string>) =>
    makePlan(parseInputs(inputSource({ tags: 'r.example/app:1', ...values })), context)
  const secretArgs = (args: string[]) => args.flatMap((arg, i) => (args[i - 1] === '--secret' ? [arg] : []))

  it('takes a quoted multi-line value whole, its last newline included, and passes it by environment', () => {
    const plan = planOf({ secrets: `"deploy_key=${KEY}"\nnpm=tok3n` })
    expect(secretArgs(plan.commands.build)).toEqual([
      'id=deploy_key,env=MPB_BUILD_SECRET_0',
      'id=npm,env=MPB_BUILD_SECRET_1'
    ])
    expect(plan.buildEnv).toMatchObject({ MPB_BUILD_SECRET_0: KEY, MPB_BUILD_SECRET_1: 'tok3n' })
    expect(plan.commands.build.join(' ')).not.toContain('MIIB')
  })
  it('leaves out a secret with an empty value, with a warning that names it (a secret by its entry number)', () => {
    const plan = planOf({ secrets: 'unset_token=\nset=v4lue', 'secret-envs': 'from_env=' })
    expect(secretArgs(plan.commands.build)).toEqual(['id=set,env=MPB_BUILD_SECRET_0'])
    expect(plan.buildEnv.MPB_BUILD_SECRET_0).toBe('v4lue')
    expect(plan.warnings).toEqual(
      expect.arrayContaining([
        // Not by its id: a line "...=" of a base64 value that was not quoted whole reads as an id.
        expect.stringMatching(/^Input "secrets": entry 1 has an empty value/),
        expect.stringMatching(/^Input "secret-envs": "from_env" has an empty value/)
      ])
    )
  })
  it('splits secret-envs and ssh on commas', () => {
    const build = parseBuildInputs(get({ 'secret-envs': 'A=ENV_A,B=ENV_B', ssh: 'default,github=./key' }))
    expect(build.secretEnvs).toEqual([
      { id: 'A', env: 'ENV_A' },
      { id: 'B', env: 'ENV_B' }
    ])
    expect(build.ssh).toEqual(['default', 'github=./key'])
  })
  it('refuses a multi-line value quoted after its id, saying how to quote it, without showing it', () => {
    const read = () => parseBuildInputs(get({ secrets: 'KEY="line-one\nline-two"' }))
    expect(read).toThrow(
      /^Input "secrets": entry 2 is not of the form ID=VALUE \(got "\*\*\*"\)\. .*quote a value that spans lines/
    )
  })
  it('masks what the parser reads: a multi-line value whole, a stray line, a value quoted by mistake', () => {
    expect(secretValuesToMask(`"a=${KEY}"\nb=plain`)).toEqual([KEY, 'plain'])
    expect(secretValuesToMask('c="half-one\nhalf-two"')).toEqual([
      '"half-one',
      'half-one',
      'half-two"',
      'half-two'
    ])
    expect(secretValuesToMask('empty=\n\n')).toEqual([])
  })
})

describe('a multi-line secret not quoted whole', () => {
  // What a workflow gives for `secrets: key=${{ secrets.B64 }}` when the value spans lines.
  const FIRST = 'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4'
  const LAST = 'YmFzZTY0cGFkZGVkVmFsdWU'
  const refusal = (secrets: string): string => {
    try {
      parseBuildInputs(get({ secrets }))
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return (error as Error).message
    }
    throw new Error('not refused')
  }
  it.each([
    [
      'its last line ends in "=="',
      `key=${FIRST}\n${LAST}==`,
      /entry 2 has a value shorter than 4 characters/
    ],
    [
      'a line holds "=" inside',
      `key={"name": "build-bot",\n  "url": "https://x.example/?a=${LAST}"}`,
      /entry 2 is not of the form/
    ],
    ['a line has no "="', `key=${FIRST}\n${LAST}`, /entry 2 is not of the form ID=VALUE/]
  ])('is refused when %s, naming the entry, never its text', (_name, secrets, reason) => {
    const message = refusal(secrets)
    expect(message).toMatch(/^Input "secrets": /)
    expect(message).toMatch(reason)
    expect(message).not.toContain(LAST.slice(0, 8))
    expect(message).not.toContain(FIRST.slice(0, 8))
  })
  it('never makes a line ending in "=" an id: it is left out, named by its entry number', () => {
    const build = parseBuildInputs(get({ secrets: `key=${FIRST}\n${LAST}=` }))
    expect(build.secrets.map(secret => secret.id)).toEqual(['key'])
    expect(build.warnings).toEqual([expect.stringMatching(/^Input "secrets": entry 2 has an empty value/)])
    expect(build.warnings.join('\n')).not.toContain(LAST.slice(0, 8))
  })
  it('refuses a secret value shorter than 4 characters, which could not be masked', () => {
    expect(refusal('k=abc')).toMatch(/entry 1 has a value shorter than 4 characters/)
    expect(refusal('k=  ab\n')).toMatch(/entry 1 has a value shorter than 4/)
    expect(parseBuildInputs(get({ secrets: 'k=abcd' })).secrets).toEqual([{ id: 'k', value: 'abcd' }])
    // Ids and paths are not secrets: secret-envs and secret-files keep short values.
    expect(parseBuildInputs(get({ 'secret-envs': 'k=E' })).secretEnvs).toEqual([{ id: 'k', env: 'E' }])
  })
})

describe('validation of the new inputs', () => {
  it.each([
    [{ secrets: 'novalue' }, 'secrets'],
    [{ 'secret-files': '=path' }, 'secret-files'],
    [{ allow: 'root' }, 'allow'],
    [{ call: 'Check; rm' }, 'call']
  ])('%j', (values, input) => {
    expect(() => parseBuildInputs(get(values))).toThrow(InputError)
    expect(() => parseBuildInputs(get(values))).toThrow(new RegExp(`^Input "${input}"`))
  })
  it('never echoes a secret value in an error', () => {
    expect(() => parseBuildInputs(get({ secrets: 'sup3rs3cret' }))).toThrow(/got "\*\*\*"/)
  })
  it('checks builder inputs', () => {
    expect(() => parseBuilderInputs(get({ 'builder-platforms': 'arm64' }))).toThrow(
      /Input "builder-platforms"/
    )
    expect(() => parseBuilderInputs(get({ 'keep-state': 'yes' }))).toThrow(/Input "keep-state"/)
    expect(
      parseBuilderInputs(get({ 'keep-state': 'true', 'builder-platforms': 'linux/amd64' }))
    ).toMatchObject({
      keepState: true,
      nodePlatforms: ['linux/amd64']
    })
  })
  it('finds the host of Git contexts only', () => {
    expect(gitContextHost('https://github.com/o/r.git')).toBe('github.com')
    expect(gitContextHost('git@gitlab.example:o/r.git')).toBe('gitlab.example')
    expect(gitContextHost('.')).toBeUndefined()
    expect(gitContextHost('https://example.com/context.tar.gz')).toBeUndefined()
  })
})
