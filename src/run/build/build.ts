import type { BuildOutcome } from '../../model/facts'
import { readFileSync } from 'node:fs'
import { StepCounter } from '../../model/progress-output'
import { readIndexArgs } from '../../plan/argv'
import { docker } from '../docker/docker'
import { failure } from '../runner/command-failure'
import * as log from '../runner/log'
import { Inputs } from '../../inputs/parse'
import { imageRepository } from '../../model/image-ref'
import { Plan } from '../../plan/plan'
import { platformDigests, readMetadata } from '../../model/metadata-output'
import { retryTransient } from '../docker/retry'
import { readManifestAnonymously } from '../network/registry-read'

/** The one `docker buildx build` for every platform, then the pushed index read back for per-platform digests. */
export async function runBuild(inputs: Inputs, plan: Plan): Promise<BuildOutcome> {
  let counter = new StepCounter()
  const started = Date.now()
  // The buildx client fetches registry tokens itself, so it needs the proxy too (moby/buildkit#5839).
  // A retry runs on the same builder, so finished steps come from its cache and mostly the push is redone.
  const result = await retryTransient(
    () => {
      counter = new StepCounter()
      return docker(plan.commands.build, {
        env: plan.buildEnv,
        redactions: plan.redactions,
        onStderr: chunk => counter.add(chunk)
      })
    },
    inputs.retries,
    (retry, wait) =>
      log.warning(
        `The build failed on what looks like a passing network fault; retry ${retry} of ${inputs.retries} in ${wait / 1000} s.`
      )
  )
  const durationMs = Date.now() - started
  if (result.exitCode !== 0)
    throw failure(`docker buildx build failed (exit code ${result.exitCode})`, result.stderr)
  const metadata = readMetadata(readFileIfPresent(plan.metadataPath))
  const manifest =
    inputs.push && inputs.tags.length > 0 && metadata.digest
      ? await readIndex(inputs, metadata.digest, plan)
      : {}
  return {
    ...metadata,
    durationMs,
    steps: counter.totals(),
    manifest,
    cacheFailures: counter.cacheFailures()
  }
}

/**
 * The pushed index, read directly where the registry needs no login, else with imagetools. mirror-check: off
 * (no requests of the action's own before the build) keeps it to imagetools too.
 */
async function readIndex(inputs: Inputs, digest: string, plan: Plan): Promise<Record<string, string>> {
  const repository = imageRepository(inputs.tags[0])
  const direct =
    inputs.mirrorCheck === 'off'
      ? undefined
      : await readManifestAnonymously(repository, digest, plan.registryModel, inputs.proxy)
  if (direct !== undefined) return platformDigests(direct)
  const reference = `${repository}@${digest}`
  const raw = await docker(readIndexArgs(plan.builder, reference), { silent: true, env: plan.proxyEnv })
  if (raw.exitCode !== 0) {
    const reason = raw.stderr.trim().split('\n').at(-1)?.trim() || 'no output'
    log.warning(
      `Reading back the pushed index ${reference} failed (exit code ${raw.exitCode}: ${reason}), so the ` +
        'manifest output is empty. The build and push succeeded.'
    )
    return {}
  }
  return platformDigests(raw.stdout)
}

function readFileIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}
