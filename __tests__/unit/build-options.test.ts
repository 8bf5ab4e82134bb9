import {
  gitContextHost,
  parseBuilderInputs,
  parseBuildInputs,
  secretValuesToMask
} from '../../src/inputs/build-options'
import { InputError } from '../../src/model/input-error'
import { parseInputs } from '../../src/inputs/parse'
import { parseAppendNodes } from '../../src/inputs/append-nodes'
import { makePlan } from '../../src/plan/plan'
import { inputSource } from '../support/inputs'
import { PLAN_CONTEXT as context } from '../support/plan'

const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('build inputs with build-push-action names', () => {
  const plan = makePlan(
    parseInputs(
      inputSource({
        tags: 'r.example/app:1',
        secrets: 'token=s3cr3t=with=equals\nother=two words',
        'secret-files': 'npmrc=/home/runner/.npmrc\nodd=/path/with,comma',
        'secret-envs': 'aws=AWS_SECRET',
        ssh: 'default',
        annotations: 'index:org.opencontainers.image.description=My app, with commas',
        attests: 'type=sbom',
        provenance: 'mode=max',
        sbom: 'true',
        'build-contexts': 'base=docker-image://busybox',
        outputs: 'type=local,dest=out',
        network: 'none',
        'add-hosts': 'db:10.0.0.5,cache:10.0.0.6',
        'shm-size': '128m',
        ulimit: 'nofile=1024:1024',
        allow: 'security.insecure',
        'no-cache-filters': 'build,test',
        'cgroup-parent': '/ci',
        'github-token': 'ghp_x'
      })
    ),
    context
  )
  const args = plan.commands.build
  const values = (flag: string) => args.flatMap((arg, i) => (args[i - 1] === flag ? [arg] : []))

  it('passes secret values through the environment only', () => {
    expect(values('--secret')).toEqual([
      'id=token,env=MPB_BUILD_SECRET_0',
      'id=other,env=MPB_BUILD_SECRET_1',
      'id=npmrc,src=/home/runner/.npmrc',
      'id=odd,"src=/path/with,comma"',
      'id=aws,env=AWS_SECRET'
    ])
    expect(plan.buildEnv).toMatchObject({
      MPB_BUILD_SECRET_0: 's3cr3t=with=equals',
      MPB_BUILD_SECRET_1: 'two words'
    })
    expect(args.join(' ')).not.toContain('s3cr3t')
  })
  it('maps every list input to its flag, one value per argument', () => {
    expect(values('--ssh')).toEqual(['default'])
    expect(values('--annotation')).toEqual(['index:org.opencontainers.image.description=My app, with commas'])
    expect(values('--attest')).toEqual(['type=sbom'])
    expect(args).toEqual(expect.arrayContaining(['--provenance=mode=max', '--sbom=true']))
    expect(values('--build-context')).toEqual(['base=docker-image://busybox'])
    expect(values('--output')).toEqual(['type=local,dest=out'])
    expect(values('--network')).toEqual(['none'])
    expect(values('--add-host')).toEqual(['db:10.0.0.5', 'cache:10.0.0.6'])
    expect(values('--shm-size')).toEqual(['128m'])
    expect(values('--ulimit')).toEqual(['nofile=1024:1024'])
    expect(values('--allow')).toEqual(['security.insecure'])
    expect(values('--no-cache-filter')).toEqual(['build', 'test'])
    expect(values('--cgroup-parent')).toEqual(['/ci'])
  })
  it('lets the builder grant only the insecure entitlement asked for', () => {
    const flags = plan.commands.create[plan.commands.create.indexOf('--buildkitd-flags') + 1]
    // network.host is what buildx grants a docker-container builder anyway; giving any flag replaces it.
    expect(flags).toBe(
      '--allow-insecure-entitlement=network.host --allow-insecure-entitlement=security.insecure'
    )
    expect(plan.configToml).not.toContain('insecure-entitlements')
  })
  // The run's own commit on github.com: what {{defaultContext}} stands for.
  const RUN = { GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'b'.repeat(40) }
  it('sends the GitHub token only for the default Git context', () => {
    expect(args.join(' ')).not.toContain('GIT_AUTH_TOKEN')
    const git = makePlan(
      parseInputs(
        inputSource({ tags: 'r.example/a', context: '{{defaultContext}}', 'github-token': 'ghp_x' }, RUN)
      ),
      context
    )
    expect(git.commands.build).toContain('id=GIT_AUTH_TOKEN.github.com,env=MPB_GIT_AUTH_TOKEN')
    expect(git.buildEnv.MPB_GIT_AUTH_TOKEN).toBe('ghp_x')
  })
  it('leaves the token out when the user passes a secret of that id', () => {
    const own = makePlan(
      parseInputs(
        inputSource(
          {
            tags: 'r.example/a',
            context: '{{defaultContext}}',
            'github-token': 'ghp_x',
            'secret-envs': 'GIT_AUTH_TOKEN.github.com=MY_TOKEN'
          },
          RUN
        )
      ),
      context
    )
    const ids = own.commands.build.filter(arg => arg.includes('GIT_AUTH_TOKEN'))
    expect(ids).toEqual(['id=GIT_AUTH_TOKEN.github.com,env=MY_TOKEN'])
    expect(own.buildEnv.MPB_GIT_AUTH_TOKEN).toBeUndefined()
  })
  it('pushes nothing for a call other than build', () => {
    const check = makePlan(parseInputs(inputSource({ tags: 'r.example/a', call: 'check' })), context)
    expect(check.commands.build).toEqual(expect.arrayContaining(['--call', 'check']))
    expect(check.commands.build).not.toContain('--push')
  })
})

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

describe('append nodes', () => {
  it('reads the YAML list setup-buildx-action users write', () => {
    expect(
      parseAppendNodes(
        '- name: arm\n  endpoint: ssh://me@arm-host\n  platforms: linux/arm64,linux/arm/v7\n  driver-opts:\n    - memory=4g\n'
      )
    ).toEqual([
      {
        name: 'arm',
        endpoint: 'ssh://me@arm-host',
        platforms: ['linux/arm64', 'linux/arm/v7'],
        driverOpts: ['memory=4g'],
        buildkitdFlags: ''
      }
    ])
  })
  it.each([
    'name: x',
    '- name: x',
    '- endpoint: e',
    '- name: x\n  endpoint: e\n  platforms: arm64',
    ': : bad'
  ])('rejects %j', text => {
    expect(() => parseAppendNodes(text)).toThrow(/^Input "append"/)
  })
  it('gives every node the same config and its own platforms', () => {
    const inputs = parseInputs(inputSource({ tags: 'r.example/a', 'builder-platforms': 'linux/amd64' }))
    const plan = makePlan(inputs, {
      ...context,
      appendNodes: parseAppendNodes(
        '- name: arm\n  endpoint: unix:///run/docker.sock\n  platforms: linux/arm64'
      )
    })
    expect(plan.commands.create).toEqual(expect.arrayContaining(['--platform', 'linux/amd64']))
    expect(plan.commands.append).toEqual([
      [
        'buildx',
        'create',
        '--append',
        '--name',
        'builder-test',
        '--node',
        'arm',
        '--driver',
        'docker-container',
        '--buildkitd-config',
        '/tmp/run/buildkitd.toml',
        '--platform',
        'linux/arm64',
        '--driver-opt',
        'image=moby/buildkit:buildx-stable-1',
        '--',
        'unix:///run/docker.sock'
      ]
    ])
  })
})
