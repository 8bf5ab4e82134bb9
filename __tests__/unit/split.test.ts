import { makePlan } from '../../src/plan/plan'
import { DIGEST_A as A, DIGEST_B as B } from '../support/digests'
import { inputsOf } from '../support/inputs'

const planOf = (values: Record<string, string>) => makePlan(inputsOf(values), { workDir: '/tmp/run' })

describe('push-by-digest', () => {
  it('pushes to every repository the tags name, by digest, with no --tag and no --push', () => {
    const build = planOf({
      tags: 'r.example/team/app:1,r.example/team/app:2,other.example/app',
      platforms: 'linux/arm64',
      'push-by-digest': 'true'
    }).commands.build
    expect(build).not.toContain('--tag')
    expect(build).not.toContain('--push')
    expect(build[build.indexOf('--output') + 1]).toBe(
      'type=image,"name=r.example/team/app,other.example/app",push-by-digest=true,name-canonical=true,push=true'
    )
  })
  it('leaves a normal build as it was', () => {
    const build = planOf({ tags: 'r.example/app:1' }).commands.build
    expect(build).toContain('--push')
    expect(build).not.toContain('--output')
  })
})

describe('merge-digests', () => {
  it('reads digests one per line or comma-separated, blank ones dropped, bare ones in the first tag repository', () => {
    const plan = planOf({
      tags: 'r.example/team/app:1,r.example/team/app:latest',
      annotations: 'index:org.opencontainers.image.title=app',
      'merge-digests': `${A}\n\n , other.example/app@${B}\n`
    })
    expect(plan.mergeSources).toEqual([`r.example/team/app@${A}`, `other.example/app@${B}`])
    expect(plan.commands.merge).toEqual([
      'buildx',
      'imagetools',
      'create',
      '--builder',
      'b1',
      '--annotation',
      'index:org.opencontainers.image.title=app',
      '--tag',
      'r.example/team/app:1',
      '--tag',
      'r.example/team/app:latest',
      '--',
      `r.example/team/app@${A}`,
      `other.example/app@${B}`
    ])
    expect(plan.commands.mergeDryRun).toEqual([
      ...plan.commands.merge.slice(0, 5),
      '--dry-run',
      ...plan.commands.merge.slice(5)
    ])
  })
  it('plans no merge without digests', () => {
    const plan = planOf({ tags: 'r.example/app:1', 'merge-digests': '\n,\n' })
    expect(plan.commands.merge).toEqual([])
    expect(plan.mergeSources).toEqual([])
  })
})
