import * as core from '@actions/core'
import type { Inputs } from '../inputs/parse'
import { inputOutputs, setOutputs } from '../report/outputs'
import { readInputs } from '../inputs/read'
import { makePlan } from '../plan/plan'
import { summaryRows, summaryTables } from '../report/summary'
import { setDockerEnv } from '../run/docker/docker'
import { writePrivateDockerConfig } from '../run/docker/config-files'
import * as log from '../run/runner/log'
import { checkNetwork } from '../run/network/network-check'
import { markMainStarted } from '../run/runner/save-state'
import { writeSummary } from '../run/runner/job-summary'
import { buildStep } from './build-step'
import { prefetchSettled, restoreStep, saveStep } from './cache-mounts-step'
import { cacheMountsRows } from '../report/cache-mounts'
import { BuilderSetup } from './builder-setup'
import { mergeStep } from './merge-step'
import { planContext } from './read-machine'
import { prepareSigning, signStep } from './sign-step'
import { signSummaryRows } from '../report/sign-report'

/** main: inputs → plan → preflight → builder → one build (or the merge of split builds) → outputs and summary. */
export async function runMain(): Promise<void> {
  markMainStarted()
  setDockerEnv({})
  const inputs = await readInputs()
  setOutputs(core.setOutput, inputOutputs(inputs))
  const context = await planContext(inputs)
  const firstPlan = makePlan(inputs, context)
  const builder = new BuilderSetup(inputs, firstPlan, context)
  await builder.bootEarly()
  const preflight = await builder.whilePreflight(() =>
    log.group('Preflight: mirrors, registries, proxy', () =>
      checkNetwork(inputs, firstPlan, inputs.registryLogins)
    )
  )
  // Planned once; mirrors the preflight found dead are left out of it, and everything downstream reads this plan.
  const plan =
    preflight.drop.length > 0 ? makePlan(inputs, { ...context, droppedMirrors: preflight.drop }) : firstPlan
  await builder.configure(plan)
  useLogins(inputs, context.workDir)
  // cosign ready and the key readable before anything is pushed: a step that cannot sign pushes nothing.
  const signing = await prepareSigning(inputs, plan, context.workDir)
  if (inputs.split.mergeDigests.length > 0) return mergeStep(inputs, plan, builder, preflight, signing)

  const { start, facts } = await builder.start(plan)
  const mounts = await restoreStep(inputs, plan, context.workDir)
  let built
  try {
    built = await buildStep(inputs, plan, start)
  } finally {
    // Nothing of this step may still run when it ends, even after a failed build.
    await prefetchSettled(mounts)
  }
  const { outcome, builder: nodes } = built
  const saved = await saveStep(inputs, mounts)
  if (signing && outcome.digest === '') {
    throw new Error('Input "sign": the build pushed no index, so there is no digest to sign.')
  }
  const signed = signing ? await signStep(signing, inputs, outcome.digest) : undefined
  if (!inputs.summary) return
  const runFacts = { ...outcome, ...facts, ...nodes, buildx: start.buildx, droppedMirrors: preflight.drop }
  const rows = [
    ...summaryRows(inputs, plan, outcome, runFacts),
    ...signSummaryRows(inputs.sign, signed),
    ...(mounts ? cacheMountsRows(mounts.restore, saved) : [])
  ]
  await writeSummary(summaryTables(rows, preflight.results))
}

/** Only this step's docker commands see the logins; the daemon and other steps keep their own config. */
function useLogins(inputs: Inputs, workDir: string): void {
  const logins = inputs.registryLogins
  if (logins.length === 0) return
  setDockerEnv(writePrivateDockerConfig(workDir, logins))
  log.info(`Logged in for this step: ${logins.map(login => login.registry).join(', ')}`)
}
