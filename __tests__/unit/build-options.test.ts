import { parseInputs } from '../../src/inputs/parse'
import { parseAppendNodes } from '../../src/inputs/append-nodes'
import { makePlan } from '../../src/plan/plan'
import { inputSource } from '../support/inputs'
import { PLAN_CONTEXT as context } from '../support/plan'

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

describe('append nodes', () => {
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
