import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { buildWith, expectClean, failure, fixture, run, stack } from '../support/e2e'
import { inputEnv, readFileCommand, runnerFiles, stateEnv } from '../../scripts/lib/runner.cjs'
import { BUNDLE, leakedLines, ROOT } from '../support/run-action'
import { dockerText, leftovers, Registry } from '../support/stack'

// Issue 6 on the real stack: secrets scanned everywhere, two runs at once, cancellation, least privilege.

jest.setTimeout(600_000)

const registry = new Registry(stack.STACK_PUSH_REGISTRY)

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name))
}

describe('secrets, with debug logging on', () => {
  const proxyPassword = `pw-${run}-Pr0xy`
  const secretValue = `sv-${run}-S3cret`
  const token = `ghp_${run}T0ken`
  const repository = `e2e/scan-${run}`
  const proxy = `http://ci:${proxyPassword}@127.0.0.1:${new URL(stack.STACK_PROXY).port}`

  it('appear in no stream, output, state, summary, leftover file, pushed layer, config or attestation', async () => {
    const { builder, result } = await buildWith(
      'scan',
      {
        context: fixture('secret'),
        tags: `${stack.STACK_PUSH_REGISTRY}/${repository}:1`,
        platforms: 'linux/amd64,linux/arm64',
        secrets: `token=${secretValue}`,
        'github-token': token,
        'http-proxy': proxy,
        'https-proxy': proxy,
        provenance: 'mode=max'
      },
      { env: { RUNNER_DEBUG: '1' } }
    )
    expect(failure(result)).toBe('')
    expect(result.main.stdout).toContain('::debug::')
    const secrets = [proxyPassword, secretValue, token]
    const hits = leakedLines(result, secrets)
    expect(filesUnder(result.runnerTemp)).toEqual([])
    const pushed = await registry.everyBlobText(repository, '1')
    pushed.forEach((text, index) =>
      secrets.forEach(secret => text.includes(secret) && hits.push(`pushed blob ${index}: ${secret}`))
    )
    expect(hits).toEqual([])
    expectClean(builder)
  })
})

describe('two runs at once on one machine', () => {
  it('each uses its own builder and config and removes only what it created', async () => {
    const inputs = (name: string, format: string) => ({
      push: 'false',
      platforms: 'linux/amd64,linux/arm64',
      'no-cache': 'true',
      'builder-name': '',
      'buildkitd-config-inline': `[log]\nformat = "${format}"`,
      _name: name
    })
    const start = (options: ReturnType<typeof inputs>) => {
      const { _name, ...rest } = options
      return buildWith(_name, rest, { skipPost: true })
    }
    const [a, b] = await Promise.all([
      start(inputs('concurrent-a', 'json')),
      start(inputs('concurrent-b', 'text'))
    ])
    expect(failure(a.result)).toBe('')
    expect(failure(b.result)).toBe('')
    const builderA = a.result.outputs.builder
    const builderB = b.result.outputs.builder
    expect(builderA).not.toBe(builderB)
    const configOf = (builder: string) =>
      dockerText(['exec', `buildx_buildkit_${builder}0`, 'cat', '/etc/buildkit/buildkitd.toml'])
    expect(configOf(builderA)).toMatch(/format = ['"]json['"]/)
    expect(configOf(builderB)).toMatch(/format = ['"]text['"]/)
    // A's post leaves B's builder running; then B's post removes B's.
    expect((await a.result.runPost()).code).toBe(0)
    expect(leftovers(builderA).containers).toEqual([])
    expect(leftovers(builderB).containers).toEqual([`buildx_buildkit_${builderB}0`])
    expect((await b.result.runPost()).code).toBe(0)
    expectClean(builderB)
  })
})

describe('cancellation', () => {
  /** Starts main, sends SIGTERM once its output shows `marker`, then runs post with the state main saved. */
  async function cancelWhen(marker: RegExp, name: string) {
    const dir = `${ROOT}/.tmp/cancel-${name}-${run}`
    const builder = `e2e-${name}-${run}`
    const runner = runnerFiles(dir, { runnerTemp: `${dir}/temp` })
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...runner.env,
      ...inputEnv({
        context: fixture('slow'),
        push: 'false',
        platforms: 'linux/amd64,linux/arm64',
        'builder-name': builder,
        'registry-mirrors': `http://${stack.STACK_MIRROR}`,
        'no-cache': 'true'
      })
    }
    const main = spawn(process.execPath, [BUNDLE], { env, cwd: ROOT })
    let output = ''
    const signalled = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`never saw ${marker}: ${output.slice(-2000)}`)),
        240_000
      )
      const watch = (chunk: Buffer) => {
        output += chunk.toString()
        if (marker.test(output) && main.exitCode === null && !main.killed) {
          clearTimeout(timer)
          main.kill('SIGTERM')
          resolve()
        }
      }
      main.stdout.on('data', watch)
      main.stderr.on('data', watch)
    })
    await signalled
    await new Promise(resolve => main.on('close', resolve))
    const post = await new Promise<number | null>(resolve => {
      const child = spawn(process.execPath, [BUNDLE], {
        env: { ...env, ...stateEnv(readFileCommand(runner.files.state)) },
        cwd: ROOT,
        stdio: 'ignore'
      })
      child.on('close', resolve)
    })
    return { builder, post, temp: `${dir}/temp`, output }
  }

  it.each([
    ['during bootstrap', /docker buildx create .*--bootstrap/, 'cancelboot'],
    ['during the build', /RUN sleep/, 'cancelbuild']
  ])('%s still lets post remove the builder and the temporary files', async (_when, marker, name) => {
    const { builder, post, temp, output } = await cancelWhen(marker, name)
    expect(post).toBe(0)
    // Main stopped the docker command it had started, so none goes on after post (and creates a container).
    expect(output).toContain('Cancelled (SIGTERM): stopping the docker commands this step started.')
    // A build cut off by the signal may still be winding down; give its container a bounded moment to go.
    for (let i = 0; i < 20 && leftovers(builder).containers.length > 0; i++)
      await new Promise(r => setTimeout(r, 500))
    expectClean(builder)
    expect(readdirSync(temp)).toEqual([])
    // Nothing left behind appears later either (an orphaned `buildx create --bootstrap` would make the container).
    await new Promise(r => setTimeout(r, 5000))
    expectClean(builder)
  })
})

describe('least privilege', () => {
  it('grants no insecure entitlement unless asked, and keeps its files private', async () => {
    const { builder, result } = await buildWith(
      'privilege',
      { push: 'false', platforms: 'linux/amd64' },
      { skipPost: true }
    )
    expect(failure(result)).toBe('')
    expect(result.outputs['buildkitd-config']).not.toContain('insecure-entitlements')
    const flags =
      dockerText(['buildx', 'inspect', builder])
        .split('\n')
        .find(line => line.startsWith('BuildKit daemon flags')) ?? ''
    expect(flags).not.toContain('security.insecure')
    const [workDirName] = readdirSync(result.runnerTemp).filter(name =>
      name.startsWith('multi-platform-build-')
    )
    const workDir = join(result.runnerTemp, workDirName)
    expect(statSync(workDir).mode & 0o777).toBe(0o700)
    expect(statSync(join(workDir, 'buildkitd.toml')).mode & 0o777).toBe(0o600)
    expect((await result.runPost()).code).toBe(0)
    expectClean(builder)
  })
})
