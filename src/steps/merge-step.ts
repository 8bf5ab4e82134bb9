import * as core from '@actions/core'
import type { Inputs } from '../inputs/parse'
import type { Plan } from '../plan/plan'
import type { ProbeResult } from '../plan/preflight'
import { setOutputs } from '../report/outputs'
import { mergeSummaryRows, summaryTables } from '../report/summary'
import { runMerge } from '../run/build/merge'
import * as log from '../run/runner/log'
import { writeSummary } from '../run/runner/job-summary'
import type { BuilderSetup } from './builder-setup'
import { signStep, SigningReady } from './sign-step'
import { signSummaryRows } from '../report/sign-report'

/**
 * merge-digests: no build, so no QEMU, no BuildKit image and no container: the builder is only recorded, for
 * the registry config imagetools reads from it.
 */
export async function mergeStep(
  inputs: Inputs,
  plan: Plan,
  builder: BuilderSetup,
  preflight: { drop: string[]; results: ProbeResult[] },
  signing?: SigningReady
): Promise<void> {
  await builder.register(plan)
  const outcome = await log.group('Merge', () => runMerge(inputs, plan))
  setOutputs(core.setOutput, {
    digest: outcome.digest,
    imageid: outcome.digest,
    manifest: outcome.manifest,
    'platforms-built': Object.keys(outcome.manifest)
  })
  // The merged index is what is signed, never the legs: their digests are only parts of it.
  const signed = signing ? await signStep(signing, inputs, outcome.digest) : undefined
  if (inputs.summary) {
    const rows = [
      ...mergeSummaryRows(inputs, plan, outcome, preflight.drop),
      ...signSummaryRows(inputs.sign, signed)
    ]
    await writeSummary(summaryTables(rows, preflight.results))
  }
}
