import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Inputs } from '../inputs/parse'
import { workDirName } from '../model/names'
import { readHostsFile } from '../run/runner/hosts-file'
import type { PlanContext } from '../plan/plan-context'

/** What the plan needs from the machine: the run's own folder, the hosts file, extra nodes, warm-builder facts. */
export async function planContext(inputs: Inputs): Promise<PlanContext> {
  // YAML for extra nodes is parsed (and its library loaded) only when there are any.
  const appendNodes = inputs.builderOptions.append.trim()
    ? (await import('../inputs/append-nodes')).parseAppendNodes(inputs.builderOptions.append)
    : []
  // Warm-builder code (and its disk check) is loaded only when asked for.
  const warm = inputs.warm.enabled ? await import('../run/builder/warm-builders') : undefined
  return {
    // A new name each run: a folder someone planted (or a world-writable one left over) is never reused.
    workDir: join(process.env.RUNNER_TEMP || tmpdir(), workDirName(randomBytes(6).toString('hex'))),
    hostsFile: readHostsFile(),
    appendNodes,
    freeDiskBytes: warm?.freeDiskBytes(),
    ...warm?.warmNameFacts(inputs)
  }
}
