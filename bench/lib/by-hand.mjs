// The action's job typed by hand as plain `docker buildx` commands (write the buildkitd.toml, create and boot a
// builder, one multi-platform build with --push, remove the builder): the baseline the end-to-end benches
// compare the action with. Used by bench/e2e.mjs and bench/warm.mjs.
import { writeFileSync } from 'node:fs'
import { cleanEnv, nowMs, run } from './common.mjs'

/** The buildkitd.toml a person would write for one plain-HTTP Docker Hub mirror (what the action generates). */
export function handConfig(mirror) {
  return `[registry."docker.io"]
mirrors = [ "${mirror}" ]

[registry."${mirror}"]
http = true
`
}

/** `docker args` to its end; throws when it fails, else returns its wall time in ms. */
export async function dockerStep(args, { env = cleanEnv(), timeoutMs = 300_000 } = {}) {
  const result = await run('docker', args, { env, timeoutMs })
  if (result.code !== 0) throw new Error(`docker ${args.join(' ')} failed:\n${result.stderr.slice(-3000)}`)
  return result.wallMs
}

/** The argv that creates and boots a docker-container builder on host networking with this buildkitd.toml. */
export function createArgs(name, configFile) {
  return [
    'buildx',
    'create',
    '--name',
    name,
    '--driver',
    'docker-container',
    '--driver-opt',
    'network=host',
    '--buildkitd-config',
    configFile,
    '--bootstrap'
  ]
}

/**
 * One job by hand on a new builder `name`: writes `config` to configFile, then create --bootstrap, build --push
 * (with --no-cache when noCache, --metadata-file when metadataFile is given), rm (also after a failed build).
 * Throws when a command fails. Returns each phase's wall time in ms.
 */
export async function byHand({
  name,
  config,
  configFile,
  platforms,
  context,
  tag,
  noCache = false,
  metadataFile,
  timeoutMs = 300_000,
  env = cleanEnv()
}) {
  const step = args => dockerStep(args, { env, timeoutMs })
  const started = nowMs()
  // The config file is written each time, as a workflow step would.
  writeFileSync(configFile, config)
  const setupMs = nowMs() - started
  const builderMs = await step(createArgs(name, configFile))
  let buildMs
  let cleanupMs
  try {
    buildMs = await step([
      'buildx',
      'build',
      '--builder',
      name,
      '--platform',
      platforms,
      ...(noCache ? ['--no-cache'] : []),
      ...(metadataFile ? ['--metadata-file', metadataFile] : []),
      '--push',
      '-t',
      tag,
      context
    ])
  } finally {
    cleanupMs = await step(['buildx', 'rm', name])
  }
  return { setupMs, builderMs, buildMs, cleanupMs, totalMs: nowMs() - started }
}
