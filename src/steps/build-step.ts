import * as core from '@actions/core'
import { readFileSync, statSync } from 'node:fs'
import { localDockerfilePath } from '../inputs/build-options'
import type { Inputs } from '../inputs/parse'
import type { BuildOutcome } from '../model/facts'
import type { BuilderNodes, BuilderStart } from '../run/builder/builder'
import type { Plan } from '../plan/plan'
import { annotatedDockerfilePath, checkAnnotations, parseBuildWarnings } from '../report/build-checks'
import { cacheFailureWarning } from '../report/notices'
import { setOutputs } from '../report/outputs'
import { platformsBuilt } from '../report/summary'
import { runBuild } from '../run/build/build'
import * as log from '../run/runner/log'

/**
 * The one build: its process starts first, then the nodes are read beside it (they are reported even when it
 * fails). Outputs are set as the facts come in; build-check and cache warnings follow.
 */
export async function buildStep(
  inputs: Inputs,
  plan: Plan,
  start: BuilderStart
): Promise<{ outcome: BuildOutcome; builder: BuilderNodes }> {
  const building = log.group('Build', () => runBuild(inputs, plan))
  const nodesRead = start.nodes().then(nodes => {
    setOutputs(core.setOutput, { platforms: nodes.platforms, nodes: nodes.nodes, driver: nodes.driver })
    return nodes
  })
  const [builder, outcome] = await Promise.all([nodesRead, building])
  setOutputs(core.setOutput, {
    digest: outcome.digest,
    imageid: outcome.imageId,
    metadata: outcome.metadata,
    manifest: outcome.manifest,
    'platforms-built': platformsBuilt(inputs, builder.nodes),
    'cached-steps': outcome.steps.cached
  })
  annotateBuildChecks(inputs, outcome.metadata)
  outcome.cacheFailures.forEach(failure => log.warning(cacheFailureWarning(failure)))
  return { outcome, builder }
}

/**
 * Dockerfile build-check warnings of a finished build as warning annotations on the Dockerfile
 * (DOCKER_BUILD_CHECKS_ANNOTATIONS=false turns them off).
 */
function annotateBuildChecks(inputs: Inputs, metadata: string): void {
  if (!inputs.checksAnnotations || metadata === '') return
  const { warnings, omitted } = parseBuildWarnings(metadata)
  if (warnings.length === 0) return
  const located = annotatedDockerfilePath({
    context: inputs.context,
    file: inputs.file,
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    cwd: process.cwd(),
    run: inputs.workflow
  })
  const dockerfile = located && {
    path: located.path,
    text: located.local ? readSmallFile(localDockerfilePath(inputs)) : undefined
  }
  for (const { message, properties } of checkAnnotations(warnings, dockerfile))
    log.warning(message, properties)
  if (omitted > 0) log.warning(`${omitted} more build-check warnings are not shown; see the build log.`)
}

/** The Dockerfile buildx has just read; '' when it cannot be read now, so no warning is put on it. */
function readSmallFile(path: string): string {
  try {
    const stat = statSync(path)
    return stat.isFile() && stat.size <= 1024 * 1024 ? readFileSync(path, 'utf8') : ''
  } catch {
    return ''
  }
}
