import { parseInputs } from '../../src/inputs/parse'
import { makePlan } from '../../src/plan/plan'
import { inputSource } from '../support/inputs'

describe('driver-opts', () => {
  it('reach argv one key per --driver-opt, and a quoted image= is the image the builder runs', () => {
    const inputs = parseInputs(
      inputSource({
        tags: 'r.example/a',
        'driver-opts': '"image=r.example/buildkit:1"\nmemory=4g,"env.X=a,b"'
      })
    )
    const plan = makePlan(inputs, { workDir: '/tmp/run' })
    expect(plan.buildkitImage).toBe('r.example/buildkit:1')
    const create = plan.commands.create
    expect(create.flatMap((arg, i) => (create[i - 1] === '--driver-opt' ? [arg] : []))).toEqual([
      'image=r.example/buildkit:1',
      'memory=4g',
      '"env.X=a,b"'
    ])
  })
})
