import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from './run-action'

export interface Call {
  /** 'cosign' for the fake cosign's calls; docker's have none. */
  tool?: 'cosign'
  argv: string[]
  env: Record<string, string>
  config?: string
  /** $DOCKER_CONFIG and its config.json as the call saw them, when it was set. */
  dockerConfig?: { dir: string; json?: Record<string, unknown> }
}

/** A fresh fake docker: its own PATH entry, call log and builder store. */
export function fakeDocker() {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'))
  mkdirSync(join(dir, 'bin'))
  mkdirSync(join(dir, 'builders'))
  symlinkSync(join(ROOT, '__tests__/fixtures/fake-docker.cjs'), join(dir, 'bin/docker'))
  // The runner's cosign, for steps that sign; it records into the same call log.
  symlinkSync(join(ROOT, '__tests__/fixtures/fake-cosign.cjs'), join(dir, 'bin/cosign'))
  const log = join(dir, 'calls.jsonl')
  writeFileSync(log, '')
  return {
    dir,
    env: (extra: Record<string, string> = {}) => ({
      PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
      FAKE_DOCKER_LOG: log,
      FAKE_DOCKER_STATE: join(dir, 'builders'),
      // No daemon answers here, so the action's own daemon requests fall back to this fake CLI, not a real dockerd.
      DOCKER_HOST: `unix://${join(dir, 'no-daemon.sock')}`,
      // buildx's state folder (~/.docker/buildx) is this fake's own, never the machine's.
      HOME: join(dir, 'home'),
      ...extra
    }),
    calls: (): Call[] =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(line => line !== '')
        .map(line => JSON.parse(line) as Call),
    builders: () => readdirSync(join(dir, 'builders')).filter(name => name.startsWith('builder-')),
    /** The driver options a builder's container was made with, from buildx's record when it booted. */
    bootedWith: (builder: string): Record<string, string> | undefined => {
      const file = join(dir, 'builders', `booted-${builder}.json`)
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : undefined
    },
    /** buildx's record of a builder (instances/NAME), as the fake buildx keeps it under HOME. */
    instanceFile: (builder: string) => join(dir, 'home', '.docker', 'buildx', 'instances', builder)
  }
}

const isBuildx = (call: Call, command: string) => call.argv[0] === 'buildx' && call.argv[1] === command

/**
 * The calls' labels in the order the action guarantees. The `buildx inspect` that reads the new builder's nodes
 * runs beside the build, so on a loaded machine it may reach docker before the build or after the read-back that
 * follows it: it is taken out of the sequence and checked against the edges that do hold instead (after the last
 * create, before any rm). Throws when the nodes are never read or those edges are broken.
 */
export function guaranteedOrder(calls: Call[], label: (call: Call) => string): string[] {
  const lastCreate = calls.map(call => isBuildx(call, 'create')).lastIndexOf(true)
  const after = (index: number) => index > lastCreate
  const nodesRead = calls.findIndex(
    (call, index) => after(index) && isBuildx(call, 'inspect') && !call.argv.includes('--bootstrap')
  )
  const removal = calls.findIndex((call, index) => after(index) && isBuildx(call, 'rm'))
  if (lastCreate < 0) throw new Error('no buildx create')
  // A builder booted by `inspect --bootstrap` has its nodes from that call: nothing runs beside the build.
  const booted = calls.some((call, index) => after(index) && call.argv.includes('--bootstrap'))
  if (nodesRead < 0 && booted) return calls.map(label)
  if (nodesRead < 0) throw new Error('no buildx inspect of the nodes after the create')
  if (removal >= 0 && removal < nodesRead) throw new Error('buildx rm ran before the nodes were read')
  return calls.filter((_call, index) => index !== nodesRead).map(label)
}
