import { cacheReferences, parseCache } from '../../src/inputs/cache'
import { InputError } from '../../src/model/input-error'
import { StepCounter } from '../../src/model/progress-output'
import { cacheFailureWarning } from '../../src/report/notices'

const base = {
  shorthand: '',
  cacheFrom: [],
  cacheTo: [],
  tags: ['r.example/team/app:1'],
  platforms: [],
  pushByDigest: false,
  env: {}
}
const SERVED = { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://results.example/' }

describe('the cache shorthand', () => {
  it('puts a registry cache next to the first tag, exported with ignore-error', () => {
    expect(parseCache({ ...base, shorthand: 'registry' })).toEqual({
      cacheFrom: ['type=registry,ref=r.example/team/app:buildcache'],
      cacheTo: ['type=registry,ref=r.example/team/app:buildcache,mode=max,ignore-error=true'],
      warnings: []
    })
  })
  it('gives each push-by-digest part its own ref, and takes a named ref as it is', () => {
    expect(
      parseCache({ ...base, shorthand: 'registry', platforms: ['linux/arm/v7'], pushByDigest: true })
        .cacheFrom
    ).toEqual(['type=registry,ref=r.example/team/app:buildcache-linux-arm-v7'])
    expect(parseCache({ ...base, shorthand: 'cache.example/c:main' }).cacheTo).toEqual([
      'type=registry,ref=cache.example/c:main,mode=max,ignore-error=true'
    ])
  })
  it('keeps the user entries ahead of its own, and is off when empty or false', () => {
    const given = { ...base, cacheFrom: ['type=local,src=/c'], cacheTo: ['type=inline'] }
    expect(parseCache({ ...given, shorthand: 'false' })).toEqual({
      cacheFrom: ['type=local,src=/c'],
      cacheTo: ['type=inline'],
      warnings: []
    })
    expect(parseCache({ ...given, shorthand: 'registry' }).cacheFrom[0]).toBe('type=local,src=/c')
  })
  it.each([
    ['registry without tags', { shorthand: 'registry', tags: [] }, /Input "cache".*"tags" is empty/],
    ['a digest', { shorthand: `r.example/a@sha256:${'a'.repeat(64)}` }, /Input "cache".*not "registry"/],
    ['an option', { shorthand: '--push' }, /Input "cache".*not "registry"/]
  ])('refuses %s', (_, given, message) => {
    expect(() => parseCache({ ...base, ...given })).toThrow(InputError)
    expect(() => parseCache({ ...base, ...given })).toThrow(message)
  })
})

describe('type=gha without a cache service', () => {
  const gha = { ...base, cacheFrom: ['type=gha'], cacheTo: ['type=gha,mode=max', 'type=inline'] }
  it('is left out with a warning naming the input when the runner has no cache service', () => {
    const result = parseCache(gha)
    expect(result.cacheFrom).toEqual([])
    expect(result.cacheTo).toEqual(['type=inline'])
    expect(result.warnings).toEqual([
      expect.stringMatching(
        /^cache-from "type=gha" is skipped: this run has no GitHub Actions cache service/
      ),
      expect.stringMatching(/^cache-to "type=gha,mode=max" is skipped/)
    ])
  })
  it('is kept where the runner gives a token and a cache URL', () => {
    expect(parseCache({ ...gha, env: SERVED })).toEqual({
      cacheFrom: gha.cacheFrom,
      cacheTo: gha.cacheTo,
      warnings: []
    })
    expect(parseCache({ ...gha, env: { ACTIONS_RUNTIME_TOKEN: 't' } }).cacheFrom).toEqual([])
  })
})

describe('cache references', () => {
  it('reads ref= of registry caches and bare references, nothing else', () => {
    expect(
      cacheReferences([
        'type=registry,ref=127.0.0.1:5002/c:1,mode=max',
        'user/app:cache',
        'type=local,src=/tmp/x',
        'type=gha,ref=x/y:1',
        'ref=cache.example/c:2'
      ])
    ).toEqual(['127.0.0.1:5002/c:1', 'user/app:cache', 'cache.example/c:2'])
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
