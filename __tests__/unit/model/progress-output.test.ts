import { StepCounter } from '../../../src/model/progress-output'
import { cacheFailureWarning } from '../../../src/report/notices'

describe('reading buildx and BuildKit output', () => {
  it('counts cached and executed Dockerfile steps from chunks split anywhere', () => {
    const log = [
      '#1 [internal] load build definition from Dockerfile',
      '#1 DONE 0.0s',
      '#5 [linux/amd64 1/3] FROM docker.io/library/busybox',
      '#5 CACHED',
      '#6 [linux/arm64 2/3] RUN uname -m > /arch',
      '#6 DONE 0.3s',
      '#7 [linux/amd64 2/3] RUN uname -m > /arch',
      '#7 CACHED',
      '#8 [3/3] COPY . .',
      '#8 DONE 0.1s'
    ].join('\n')
    const counter = new StepCounter()
    for (let i = 0; i < log.length; i += 7) counter.add(log.slice(i, i + 7))
    expect(counter.totals()).toEqual({ steps: 3, cached: 1, executed: 2 })
  })
})

describe('cache failures in the progress output', () => {
  // Captured from the stack (cache.e2e "a cache registry that is down"): buildx v0.37.2, BuildKit from source.
  const LOG = [
    '#5 importing cache manifest from 127.0.0.1:39971/team/app:buildcache',
    '#5 ERROR: failed to configure registry cache importer: failed to do request: Head "https://127.0.0.1:39971/v2/team/app/manifests/buildcache": read: connection reset by peer',
    '#6 [linux/amd64 2/2] RUN uname -m > /arch',
    '#6 DONE 0.1s',
    '#11 exporting cache to registry',
    '#11 preparing build cache for export done',
    '#11 sending cache export 7.3s done',
    ' > importing cache manifest from 127.0.0.1:39971/team/app:buildcache:',
    ' > exporting cache to registry:',
    ''
  ].join('\n')
  it('finds the failed import with its error and the export listed at the end', () => {
    const counter = new StepCounter()
    LOG.match(/[\s\S]{1,37}/g)?.forEach(chunk => counter.add(chunk))
    const failures = counter.cacheFailures()
    expect(failures).toEqual([
      {
        step: 'importing cache manifest from 127.0.0.1:39971/team/app:buildcache',
        error: expect.stringContaining('failed to configure registry cache importer')
      },
      { step: 'exporting cache to registry', error: '' }
    ])
    expect(failures.map(cacheFailureWarning)).toEqual([
      expect.stringMatching(
        /^Build cache: importing cache manifest from .* failed \(failed to configure .*\); the build ran without that cache\.$/
      ),
      'Build cache: exporting cache to registry failed; the image was pushed, but the cache was not saved.'
    ])
    expect(counter.totals()).toEqual({ steps: 1, cached: 0, executed: 1 })
  })
  it('finds nothing in a build whose cache worked', () => {
    const counter = new StepCounter()
    counter.add('#11 exporting cache to registry\n#11 sending cache export 0.3s done\n#11 DONE 0.4s\n')
    expect(counter.cacheFailures()).toEqual([])
  })
})

describe('StepCounter on lines of any length', () => {
  it('counts the steps around a long line that arrives in many chunks', () => {
    const counter = new StepCounter()
    counter.add('#5 [linux/amd64 2/3] RUN yes\n#5 ')
    for (let i = 0; i < 2000; i++) counter.add('y'.repeat(1000))
    counter.add('\r\n#5 CACHED\r\n#6 [3/3] COPY . .\n#6 DONE 0.1s')
    expect(counter.totals()).toEqual({ steps: 2, cached: 1, executed: 1 })
  })
  it('does not take a long line that starts like "#N CACHED" for one', () => {
    const counter = new StepCounter()
    counter.add('#5 [1/1] RUN x\n#5 CACHED')
    counter.add(`${' '.repeat(5000)}x\n`)
    expect(counter.totals()).toEqual({ steps: 1, cached: 0, executed: 1 })
  })
  it('reads a CR split from its LF by a chunk boundary', () => {
    const counter = new StepCounter()
    for (const chunk of ['#5 [1/1] RUN x\r', '\n#5 CACHED\r', '\n']) counter.add(chunk)
    expect(counter.totals()).toEqual({ steps: 1, cached: 1, executed: 0 })
  })
})
