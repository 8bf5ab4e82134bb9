import { parseInputs } from '../../../src/inputs/parse'
import { makePlan } from '../../../src/plan/plan'
import { inheritedProxyNotice } from '../../../src/report/notices'
import { inputSource } from '../../support/inputs'

describe('a loopback proxy from the runner environment', () => {
  const planOf = (values: Record<string, string>, env: Record<string, string>) =>
    makePlan(parseInputs({ ...inputSource(values, env), defaultBuilderName: 'b1' }), {
      workDir: '/tmp/run',
      hostsFile: '127.0.0.1 proxy.test'
    })
  it('is recorded with the variable it came from, and announced with the way out', () => {
    const proxy = 'http://u:pw@proxy.test:3128'
    const plan = planOf({ tags: 'r.example/app:1' }, { HTTP_PROXY: proxy, https_proxy: proxy })
    expect(plan.commands.create).toContain('network=host')
    expect(plan.inheritedLoopbackProxies.map(url => [url.fromEnvironment, url.display])).toEqual([
      ['HTTP_PROXY', 'http://***@proxy.test:3128'],
      ['https_proxy', 'http://***@proxy.test:3128']
    ])
    const notice = inheritedProxyNotice(plan.inheritedLoopbackProxies) ?? ''
    expect(notice).toContain('HTTP_PROXY=http://***@proxy.test:3128')
    expect(notice).toContain(
      'set HTTP_PROXY: "", http_proxy: "", HTTPS_PROXY: "", https_proxy: "" in this step\'s env'
    )
    expect(notice).not.toContain('pw')
  })
  it('is not announced when an input names the proxy, or when it is not on loopback', () => {
    const fromInput = planOf({ tags: 'r.example/app:1', 'https-proxy': 'http://127.0.0.1:3128' }, {})
    expect(fromInput.commands.create).toContain('network=host')
    expect(inheritedProxyNotice(fromInput.inheritedLoopbackProxies)).toBeUndefined()
    const remote = planOf({ tags: 'r.example/app:1' }, { HTTPS_PROXY: 'http://proxy.example:3128' })
    expect(inheritedProxyNotice(remote.inheritedLoopbackProxies)).toBeUndefined()
  })
})
