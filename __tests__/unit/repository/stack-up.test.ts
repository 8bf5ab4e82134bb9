import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

// stack/up: what `--for demo` brings up, and how the Go builds run (phases go-builds and go-builds-wait, driven by
// __tests__/fixtures/stack-go-builds/harness.sh with stand-ins for `go` and `docker`: no network, no real build).
const ROOT = resolve(__dirname, '../../..')
const HARNESS = join(ROOT, '__tests__/fixtures/stack-go-builds/harness.sh')
const workdirs: string[] = []
afterAll(() => workdirs.forEach(dir => rmSync(dir, { recursive: true, force: true })))
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-up-test-'))
  workdirs.push(dir)
  return dir
}

/** The phases stack/up would run for these arguments (STACK_UP_LIST=1: it only lists them). */
function phasesFor(...args: string[]): { status: number | null; phases: string[]; stderr: string } {
  const result = spawnSync('bash', [join(ROOT, 'stack/up'), ...args], {
    env: { ...process.env, STACK_UP_LIST: '1', STACK_STATE: join(workdir(), 'state') },
    encoding: 'utf8',
    timeout: 30_000
  })
  const listed = /^profile \S+: (.*)$/m.exec(result.stdout)
  return { status: result.status, phases: listed ? listed[1].split(' ') : [], stderr: result.stderr }
}

interface GoRun {
  status: number | null
  events: string[]
  out: string
  log: (step: string) => string
}
function goBuilds(env: Record<string, string>): GoRun {
  const dir = workdir()
  const result = spawnSync('bash', [HARNESS, ROOT, dir], {
    env: { ...process.env, STACK_GO_LANES: '2', STACK_GO_REPORT_EVERY: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000
  })
  const read = (name: string) => readFileSync(join(dir, name), 'utf8')
  return {
    status: result.status,
    events: read('events').split('\n').filter(Boolean),
    out: read('out'),
    log: step => read(`state/logs/go-build-${step}.log`)
  }
}
const at = (run: GoRun, event: string) =>
  run.events.findIndex(line => line === event || line.startsWith(`${event} `))
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('stack/up --for demo', () => {
  it('runs only what scripts/demo.sh needs, the Go builds first (before apt)', () => {
    const { status, phases, stderr } = phasesFor('--for', 'demo')
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' })
    expect(phases).toEqual([
      'go-builds',
      'packages',
      'docker',
      'hosts',
      'seed-artifacts',
      'qemu',
      'registries',
      'seed-busybox',
      'go-builds-wait',
      'buildkit-image',
      'checks'
    ])
  })

  it('--for all is every phase, as scripts/test.sh needs', () => {
    const { status, phases } = phasesFor('--for', 'all')
    expect(status).toBe(0)
    for (const phase of ['tls', 'token-auth', 'git-server', 'binfmt-image', 'proxy', 'go-builds', 'checks'])
      expect(phases).toContain(phase)
    expect(phases[0]).toBe('go-builds')
  })

  it('an unknown profile is refused, naming the ones there are', () => {
    const { status, stderr } = phasesFor('--for', 'everything')
    expect(status).toBe(1)
    expect(stderr).toContain("unknown profile 'everything' for --for (profiles: demo, all)")
  })

  it('scripts/demo.sh uses the demo profile and reads its env file', () => {
    const demo = readFileSync(join(ROOT, 'scripts/demo.sh'), 'utf8')
    expect(demo).toContain('bash stack/up --for demo\n')
    expect(demo).toContain('/env.demo"')
    expect(readFileSync(join(ROOT, 'scripts/test.sh'), 'utf8')).toContain('bash stack/up\n')
  })
})

describe('stack/up Go builds', () => {
  const ALL_THREE = 'buildx+buildkitd+buildctl'
  it('builds buildx and BuildKit in one go build, runc beside it, says what it waits for, no act for the demo', () => {
    const run = goBuilds({ PROFILE: 'demo' })
    expect({ status: run.status, out: run.out }).toEqual({ status: 0, out: expect.any(String) })
    // lane 1: one build of the three binaries (their shared packages compiled once)
    expect(at(run, `start ${ALL_THREE}`)).toBeGreaterThanOrEqual(0)
    expect(at(run, 'start buildx')).toBe(-1)
    // lane 2: runc's downloads, then runc (cgo) once the packages phase is through, beside the other build
    expect(at(run, 'fetch runc')).toBeLessThan(at(run, 'start runc'))
    expect(at(run, 'packages done')).toBeLessThan(at(run, 'start runc'))
    expect(at(run, 'start runc')).toBeLessThan(at(run, `end ${ALL_THREE}`))
    expect(at(run, 'end runc')).toBeGreaterThan(at(run, 'start runc'))
    expect(run.out).toMatch(
      /waiting for: buildx\+buildkit \(\d+ s\), runc \((queued|downloading \d+ s|\d+ s)\)\n/
    )
    expect(at(run, 'start act')).toBe(-1)
    expect(at(run, 'start cosign')).toBe(-1)
  })

  it('builds act too for the full stack', () => {
    const run = goBuilds({ PROFILE: 'all' })
    expect(run.status).toBe(0)
    expect(at(run, 'start act')).toBeGreaterThanOrEqual(0)
    expect(at(run, 'end act')).toBeGreaterThan(at(run, 'start act'))
    // cosign, for the signing tests: its downloads ahead, built in the second lane after runc
    expect(at(run, 'fetch cosign')).toBeGreaterThanOrEqual(0)
    expect(at(run, 'fetch cosign')).toBeLessThan(at(run, 'start cosign'))
    expect(at(run, 'end runc')).toBeLessThan(at(run, 'start cosign'))
    expect(at(run, 'end cosign')).toBeGreaterThan(at(run, 'start cosign'))
  })

  it('builds buildx, then BuildKit, when buildx pins another BuildKit version, and says so', () => {
    const run = goBuilds({ PROFILE: 'demo', STANDIN_BUILDKIT_IN_BUILDX: 'v0.1.0' })
    expect(run.status).toBe(0)
    expect(at(run, `start ${ALL_THREE}`)).toBe(-1)
    expect(at(run, 'end buildx')).toBeGreaterThanOrEqual(0)
    expect(at(run, 'end buildx')).toBeLessThan(at(run, 'start buildkitd+buildctl'))
    expect(at(run, 'end buildkitd+buildctl')).toBeGreaterThan(at(run, 'start buildkitd+buildctl'))
    expect(run.log('buildx+buildkit')).toMatch(
      /buildx v\S+ builds with BuildKit 'v0\.1\.0', not v\S+: two builds/
    )
  })

  it('a failed build ends the wait at once with its log, and stops the other lane', async () => {
    const run = goBuilds({ PROFILE: 'demo', FAIL_TOOL: ALL_THREE })
    expect(run.status).toBe(1)
    expect(run.out).toContain(`compile error in ${ALL_THREE} (stand-in)`)
    expect(run.out).toMatch(
      /Go build of buildx\+buildkit failed \(log: \S+\/go-build-buildx\+buildkit\.log\)/
    )
    expect(run.out).toContain('ERROR: Go builds failed')
    expect(at(run, 'end runc')).toBe(-1)
    // runc, if its lane got so far, is stopped with the lane: gone well before its stand-in gives up (10 s)
    const started = at(run, 'start runc')
    const runc = started < 0 ? 0 : Number(run.events[started].split(' ')[2])
    for (let i = 0; i < 50 && runc && alive(runc); i++) await new Promise(done => setTimeout(done, 100))
    expect(runc && alive(runc)).toBeFalsy()
  })
})
