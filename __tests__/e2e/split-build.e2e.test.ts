import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ExampleRun, newRun, runExample, stack } from '../support/examples'
import { dockerText, gitLogEntries, leftovers, logOffset, logSince, Registry } from '../support/stack'

// examples/workflows/split-build.yml under nektos/act on the stack (__tests__/support/examples.ts): one job per
// platform on its own runner label (ubuntu-latest and ubuntu-24.04-arm, both this machine; arm64 under QEMU stands
// in for the native runner) pushes by digest with no tag, and the merge job puts both into one index under both
// tags. ghcr.io is the stack's basic-auth registry; the login is the example's registry-auth with GITHUB_TOKEN. The
// builds take the workflow's commit as a Git context ({{defaultContext}}), served by the stack's Git server.

jest.setTimeout(600_000)

const PLATFORMS = ['linux/amd64', 'linux/arm64']
const ARCH: Record<string, string> = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' }
const DIGEST = /^sha256:[0-9a-f]{64}$/
const registry = new Registry(stack.STACK_AUTH_REGISTRY, {
  user: stack.STACK_AUTH_USER,
  password: stack.STACK_AUTH_PASSWORD
})

/** Lines of one job of the example in act's log (`[image/<job>] …`). */
const jobLines = (log: string, job: string) =>
  log.split('\n').filter(line => new RegExp(`^\\[image/${job}\\s*\\]`).test(line))

/** The step outputs act reports for a job (`⚙  ::set-output:: name=value`), last value of each name. */
function outputsOf(log: string, job: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const line of jobLines(log, job)) {
    const match = /::set-output:: ([a-z-]+)=(.*)$/.exec(line)
    if (match) outputs[match[1]] = match[2].trim()
  }
  return outputs
}

async function tagsOf(repository: string): Promise<string[]> {
  const auth = Buffer.from(`${stack.STACK_AUTH_USER}:${stack.STACK_AUTH_PASSWORD}`).toString('base64')
  const response = await fetch(`http://${stack.STACK_AUTH_REGISTRY}/v2/${repository}/tags/list`, {
    headers: { Authorization: `Basic ${auth}` },
    signal: AbortSignal.timeout(10_000)
  })
  if (response.status === 404) return []
  return (((await response.json()) as { tags: string[] | null }).tags ?? []).sort()
}

describe('examples/workflows/split-build.yml', () => {
  let result: ExampleRun
  let gitLog = 0

  beforeAll(async () => {
    gitLog = logOffset(stack.STACK_GIT_LOG)
    result = await runExample('split-build.yml', {
      run: newRun(),
      serveRepository: true,
      dockerHubReachable: true,
      actor: stack.STACK_AUTH_USER,
      secrets: { GITHUB_TOKEN: stack.STACK_AUTH_PASSWORD },
      timeoutMs: 420_000
    })
    if (process.env.E2E_ACT_LOG_DIR)
      writeFileSync(join(process.env.E2E_ACT_LOG_DIR, `split-build-${result.run}.log`), result.log)
  })

  it('runs both builds and then the merge', () => {
    expect({ status: result.status, tail: result.log.slice(-4000) }).toMatchObject({ status: 0 })
    for (const job of ['build-amd64', 'build-arm64', 'merge'])
      expect(jobLines(result.log, job).join('\n')).toContain('Job succeeded')
    // The merge starts after both builds ended (its first line comes after their last).
    const lines = result.log.split('\n')
    const last = (job: string) =>
      lines.reduce((found, line, index) => (line.startsWith(`[image/${job}`) ? index : found), -1)
    const first = lines.findIndex(line => line.startsWith('[image/merge'))
    expect(first).toBeGreaterThan(last('build-amd64'))
    expect(first).toBeGreaterThan(last('build-arm64'))
  })

  it("builds the workflow's commit: each build job fetched it from the Git server", () => {
    const fetches = gitLogEntries(logSince(stack.STACK_GIT_LOG, gitLog)).filter(
      entry => entry.path === `/${result.githubRepository}.git/git-upload-pack` && entry.status === 200
    )
    expect(fetches.length).toBeGreaterThanOrEqual(2)
  })

  it('pushes each platform by digest only: the registry holds just the two tags of the merge', async () => {
    expect(await tagsOf(result.repository)).toEqual([result.sha, 'latest'].sort())
    for (const [job, platform] of [
      ['build-amd64', 'linux/amd64'],
      ['build-arm64', 'linux/arm64']
    ]) {
      const { digest } = outputsOf(result.log, job)
      expect(digest).toMatch(DIGEST)
      // The digest is in the registry and holds that platform alone.
      const part = await registry.platformManifests(result.repository, digest)
      expect(part.digest).toBe(digest)
      expect(Object.keys(part.platforms)).toEqual([platform])
    }
  })

  it("merges them into one index under both tags; the merge's outputs are the registry's", async () => {
    const bySha = await registry.platformManifests(result.repository, result.sha)
    const latest = await registry.platformManifests(result.repository, 'latest')
    expect(latest.digest).toBe(bySha.digest)
    expect(Object.keys(bySha.platforms).sort()).toEqual(PLATFORMS)
    const images = (bySha.index.manifests ?? []).filter(
      m => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest'
    )
    expect(images).toHaveLength(2)
    const merge = jobLines(result.log, 'merge').join('\n')
    expect(merge).toContain(`| index: ${bySha.digest}`)
    const manifest = /\| per platform: (\{.*\})/.exec(merge)?.[1]
    expect(JSON.parse(manifest ?? 'null')).toEqual(
      Object.fromEntries(PLATFORMS.map(p => [p, bySha.platforms[p].digest]))
    )
    // Each platform's image is the one its own job pushed, and ran on its own architecture.
    for (const [job, platform] of [
      ['build-amd64', 'linux/amd64'],
      ['build-arm64', 'linux/arm64']
    ]) {
      const part = await registry.platformManifests(result.repository, outputsOf(result.log, job).digest)
      expect(bySha.platforms[platform].digest).toBe(part.platforms[platform].digest)
      expect(
        (await registry.readFile(result.repository, bySha.platforms[platform].digest, 'arch'))?.trim()
      ).toBe(ARCH[platform])
    }
  })

  it('leaves no builder, container or volume (one per job)', () => {
    const names = [...new Set([...result.log.matchAll(/buildx create --name (\S+)/g)].map(m => m[1]))]
    expect(names).toHaveLength(3)
    for (const name of names) expect(leftovers(name)).toEqual({ containers: [], volumes: [], builders: [] })
    const withRunId = (args: string[]) =>
      dockerText(args)
        .split('\n')
        .filter(line => line.includes(result.runId))
    expect(withRunId(['ps', '-a', '--format', '{{.Names}}'])).toEqual([])
    expect(withRunId(['volume', 'ls', '--format', '{{.Name}}'])).toEqual([])
  })
})
