import { parseInputs } from '../../src/inputs/parse'
import { makePlan, Plan } from '../../src/plan/plan'
import { inputSource } from './inputs'
import { PlanContext } from '../../src/plan/plan-context'

/** The least context makePlan needs: the run's work folder. */
export const PLAN_CONTEXT = { workDir: '/tmp/run' }

export const GIB = 1024 ** 3
/** The warm-state key warm builder names are keyed with (see src/run/builder/warm-key.ts). */
export const WARM_KEY = 'a'.repeat(64)

/** The plan of a warm builder run with these inputs, in a work folder of its own, under WARM_KEY. */
export const warmPlanOf = (
  values: Record<string, string>,
  freeDiskBytes?: number,
  context: Partial<PlanContext> = {}
): Plan =>
  makePlan(
    parseInputs({
      ...inputSource({ tags: 'r.example/app:1', 'warm-builder': 'true', ...values }),
      defaultBuilderName: 'b1'
    }),
    { workDir: `/tmp/run-${Math.random()}`, freeDiskBytes, warmKey: WARM_KEY, ...context }
  )
