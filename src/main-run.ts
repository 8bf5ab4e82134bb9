import * as core from '@actions/core'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { explainFailure } from './build-errors'
import { parseInspectPlatforms, unsupportedPlatforms } from './builder-info'
import { diagnose } from './diagnose'
import { docker } from './docker'
import { Inputs } from './inputs'
import { resolveLoopbackNames } from './loopback-names'
import { makePlan, networkHostNames, Plan } from './plan'
import { readInputs } from './read-inputs'
import { readMetadata, SummaryRow, summaryRows } from './report'
import { markMainStarted, saveState } from './state'

const BUILDER_EXISTS = /existing instance for ".*" but no append mode|already exists/

export async function runMain(): Promise<void> {
  markMainStarted()
  const inputs = readInputs()
  const workDir = join(process.env.RUNNER_TEMP || tmpdir(), `multi-platform-build-${inputs.builderName}`)
  const plan = makePlan(inputs, {
    workDir,
    loopbackNames: await resolveLoopbackNames(networkHostNames(inputs))
  })
  plan.warnings.forEach(warning => core.warning(warning))

  // Saved before anything is created, so post cleans up after a failure or cancellation from here on.
  saveState({ builder: plan.builder, workDir, cleanup: inputs.cleanup })
  mkdirSync(workDir, { recursive: true, mode: 0o700 })
  writeFileSync(plan.configPath, plan.configToml, { mode: 0o600 })
  core.setOutput('buildkitd-config', plan.configToml)
  core.setOutput('builder', plan.builder)
  core.startGroup('buildkitd.toml')
  core.info(plan.configToml.trim() === '' ? '(empty: BuildKit defaults)' : plan.configToml)
  if (plan.hostNetworkReasons.length > 0)
    core.info(`\nBuilder uses the host network: ${plan.hostNetworkReasons.join('; ')}`)
  core.endGroup()

  const platforms = await core.group(`Create builder ${plan.builder}`, () => createBuilder(inputs, plan))
  core.setOutput('platforms', platforms.join(','))

  await core.group('Build', () => build(plan))
  const result = readMetadata(readFileIfPresent(plan.metadataPath))
  core.setOutput('digest', result.digest)
  core.setOutput('imageid', result.imageId)
  core.setOutput('metadata', result.metadata)
  await writeSummary(summaryRows(inputs, plan, result, platforms))
}

async function createBuilder(inputs: Inputs, plan: Plan): Promise<string[]> {
  let created = await docker(plan.commands.create, { redactions: plan.redactions })
  if (created.exitCode !== 0 && BUILDER_EXISTS.test(created.stderr)) {
    // A builder left by an earlier run with this name would keep its old config: replace it.
    await docker(plan.commands.remove, { silent: true })
    core.info(`Removed an existing builder named ${plan.builder}.`)
    created = await docker(plan.commands.create, { redactions: plan.redactions })
  }
  if (created.exitCode !== 0) throw failure('Creating the builder failed', created.stderr)
  const booted = await docker(plan.commands.bootstrap)
  if (booted.exitCode !== 0)
    throw failure('Starting the builder failed', `${booted.stdout}\n${booted.stderr}`)
  const platforms = parseInspectPlatforms(booted.stdout)
  const missing = unsupportedPlatforms(inputs.platforms, platforms)
  if (missing.length > 0 && platforms.length > 0) {
    core.warning(
      `The builder cannot run ${missing.join(', ')} natively or under emulation (it has ${platforms.join(', ')}). ` +
        'Register QEMU (e.g. qemu-user-static) on the runner before this step, or RUN steps for those platforms fail.'
    )
  }
  return platforms
}

async function build(plan: Plan): Promise<void> {
  // The buildx client fetches registry tokens itself, so it needs the proxy too (moby/buildkit#5839).
  const result = await docker(plan.commands.build, { env: plan.proxyEnv, redactions: plan.redactions })
  if (result.exitCode !== 0)
    throw failure(`docker buildx build failed (exit code ${result.exitCode})`, result.stderr)
}

/** Annotates each known cause with the input to change, and returns the error with the lines that matter. */
function failure(what: string, output: string): Error {
  for (const { title, cause, fix } of diagnose(output)) core.error(`${cause} ${fix}`, { title })
  return new Error(`${what}:\n${explainFailure(output).join('\n')}`)
}

function readFileIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

async function writeSummary(rows: SummaryRow[]): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary
    .addHeading('Multi-platform build', 3)
    .addTable([
      [
        { data: 'Item', header: true },
        { data: 'Value', header: true }
      ],
      ...rows.map(row => [row.label, row.value])
    ])
    .write()
}
