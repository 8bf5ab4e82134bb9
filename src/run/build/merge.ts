import type { MergeOutcome } from '../../model/facts'
import * as log from '../runner/log'
import { readIndexArgs } from '../../plan/argv'
import { Inputs } from '../../inputs/parse'
import { contentDigest } from '../../model/image-ref'
import { indexPlatformProblems } from '../../model/platform'
import { Plan } from '../../plan/plan'
import { docker } from '../docker/docker'
import { failure } from '../runner/command-failure'
import { indexImages, platformDigests } from '../../model/metadata-output'
import { retryTransient } from '../docker/retry'
import { lastLine } from '../../model/output-line'

/**
 * Merges the pushed digests into one index under every tag. The index is first made without pushing it
 * (`imagetools create --dry-run` prints the exact bytes it would push), so a missing or doubled platform fails
 * the step before any tag is written, and a re-run whose tags already hold those bytes pushes nothing.
 */
export async function runMerge(inputs: Inputs, plan: Plan): Promise<MergeOutcome> {
  const started = Date.now()
  // imagetools is the buildx client itself: registry tokens and blobs go through the proxy from its env.
  const run = (args: string[], silent: boolean) =>
    retryTransient(
      () => docker(args, { env: plan.proxyEnv, redactions: plan.redactions, silent }),
      inputs.retries,
      (retry, wait) =>
        log.warning(
          `The merge hit what looks like a passing network fault; retry ${retry} in ${wait / 1000} s.`
        )
    )
  const planned = await run(plan.commands.mergeDryRun, true)
  if (planned.exitCode !== 0) throw failure('Reading the images to merge failed', planned.stderr)
  // Printed with one newline after the bytes buildx would push.
  const index = planned.stdout.endsWith('\n') ? planned.stdout.slice(0, -1) : planned.stdout
  const digest = contentDigest(index)
  const images = indexImages(index)
  const { missing, duplicated } = indexPlatformProblems(
    inputs.platforms,
    images.map(image => image.platform)
  )
  if (missing.length > 0 || duplicated.length > 0) throw new Error(platformMismatch(missing, duplicated))

  const current = await Promise.all(
    inputs.tags.map(tag => docker(readIndexArgs(plan.builder, tag), quiet(plan)))
  )
  const unchanged = current.every(read => read.exitCode === 0 && contentDigest(read.stdout) === digest)
  if (unchanged) {
    log.info(`Every tag already holds index ${digest}: nothing to push.`)
  } else {
    const pushed = await run(plan.commands.merge, false)
    if (pushed.exitCode !== 0) throw failure('Pushing the merged index failed', pushed.stderr)
    const readBack = await docker(readIndexArgs(plan.builder, inputs.tags[0]), quiet(plan))
    if (readBack.exitCode !== 0 || contentDigest(readBack.stdout) !== digest) {
      throw new Error(
        `${inputs.tags[0]} does not hold the merged index ${digest} after the push` +
          (readBack.exitCode !== 0
            ? ` (reading it failed: ${lastLine(readBack.stderr)})`
            : ' (another job wrote it since?)')
      )
    }
  }
  return { digest, manifest: platformDigests(index), unchanged, durationMs: Date.now() - started }
}

function quiet(plan: Plan) {
  return { env: plan.proxyEnv, redactions: plan.redactions, silent: true }
}

function platformMismatch(missing: string[], duplicated: string[]): string {
  const problems = [
    ...(missing.length > 0
      ? [
          `no image for ${missing.join(', ')} among the digests (did that platform's build job fail or was its output not passed on?)`
        ]
      : []),
    ...(duplicated.length > 0 ? [`more than one image for ${duplicated.join(', ')}`] : [])
  ]
  return (
    `The merged index would be wrong: ${problems.join('; ')}. No tag was written. ` +
    'Pass each push-by-digest job\'s digest output to "merge-digests" once, and list in "platforms" what they built.'
  )
}
