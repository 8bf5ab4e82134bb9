import { cacheReferences, parseCache } from '../../../src/inputs/cache'
import { InputError } from '../../../src/model/input-error'

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
