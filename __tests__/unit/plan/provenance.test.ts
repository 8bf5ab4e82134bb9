import { parseInputs } from '../../../src/inputs/parse'
import { makePlan } from '../../../src/plan/plan'
import { hasDockerExporter, resolveProvenance } from '../../../src/plan/provenance'
import { inputSource } from '../../support/inputs'
import { event, RUN_ENV, RUN_URL } from '../../support/workflow-run'

describe('provenance as build-push-action resolves it', () => {
  const run = (repositoryPrivate: boolean | undefined, runUrl = RUN_URL) => ({
    runUrl,
    repositoryPrivate,
    noDefaultAttestations: false
  })
  const resolve = (
    provenance: string,
    options: { private?: boolean; runUrl?: string; attests?: string[] } = {}
  ) =>
    resolveProvenance({
      provenance,
      attests: options.attests ?? [],
      outputs: [],
      load: false,
      run: run('private' in options ? options.private : false, options.runUrl)
    })
  it.each([
    ['', false, `mode=max,builder-id=${RUN_URL}`],
    ['', true, `mode=min,inline-only=true,builder-id=${RUN_URL}`],
    ['', undefined, `mode=min,inline-only=true,builder-id=${RUN_URL}`],
    ['true', true, `builder-id=${RUN_URL}`],
    ['True', false, `builder-id=${RUN_URL}`],
    ['1', false, `builder-id=${RUN_URL}`],
    ['false', false, 'false'],
    ['FALSE', true, 'false'],
    ['0', true, 'false'],
    ['mode=max', true, `mode=max,builder-id=${RUN_URL}`],
    ['mode=min,version=v1', false, `mode=min,version=v1,builder-id=${RUN_URL}`],
    ['mode=max,builder-id=https://ci.example/42', false, 'mode=max,builder-id=https://ci.example/42'],
    ['mode=max, builder-id=https://ci.example/42', false, 'mode=max, builder-id=https://ci.example/42']
  ])('provenance %j, private %s: --provenance=%s', (input, isPrivate, expected) => {
    expect(resolve(input, { private: isPrivate })).toEqual({ provenance: expected, attests: [] })
  })
  it('adds no builder id outside a workflow run, and no default then', () => {
    expect(resolve('', { runUrl: '' }).provenance).toBe('')
    expect(resolve('true', { runUrl: '' }).provenance).toBe('true')
    expect(resolve('mode=max', { runUrl: '' }).provenance).toBe('mode=max')
  })
  it('leaves the default to buildx when the image is loaded into Docker or BUILDX_NO_DEFAULT_ATTESTATIONS is set', () => {
    const base = { provenance: '', attests: [], outputs: [], load: false, run: run(false) }
    expect(resolveProvenance({ ...base, load: true }).provenance).toBe('')
    expect(resolveProvenance({ ...base, outputs: ['type=docker,dest=img.tar'] }).provenance).toBe('')
    expect(resolveProvenance({ ...base, outputs: ['type=local,dest=out'] }).provenance).toBe(
      `mode=max,builder-id=${RUN_URL}`
    )
    expect(
      resolveProvenance({ ...base, run: { ...run(false), noDefaultAttestations: true } }).provenance
    ).toBe('')
    // An explicit value is the user's, whatever the exporter.
    expect(resolveProvenance({ ...base, load: true, provenance: 'mode=max' }).provenance).toBe(
      `mode=max,builder-id=${RUN_URL}`
    )
  })
  it('lets a provenance attest replace the default, with the builder id added to it', () => {
    expect(resolve('', { attests: ['type=sbom', 'type=provenance,mode=max'] })).toEqual({
      provenance: '',
      attests: ['type=sbom', `type=provenance,mode=max,builder-id=${RUN_URL}`]
    })
  })
  it('recognises a docker exporter however the output is written', () => {
    expect(hasDockerExporter(['type=docker'], false)).toBe(true)
    expect(hasDockerExporter([' type=docker , name=app'], false)).toBe(true)
    expect(hasDockerExporter(['type=image,name=dockerhub'], false)).toBe(false)
    expect(hasDockerExporter([], true)).toBe(true)
    expect(hasDockerExporter(['out'], false)).toBe(false)
  })
  it('reaches the build command through parseInputs, the event payload and the plan', () => {
    const build = (values: Record<string, string>, payload?: string) =>
      makePlan(
        parseInputs({
          ...inputSource({ tags: 'r.example/a', ...values }, RUN_ENV),
          readEvent: () => {
            if (payload === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' })
            return payload
          }
        }),
        { workDir: '/tmp/run' }
      ).commands.build
    expect(build({}, event({ private: false }))).toContain(`--provenance=mode=max,builder-id=${RUN_URL}`)
    expect(build({}, event({ private: true }))).toContain(
      `--provenance=mode=min,inline-only=true,builder-id=${RUN_URL}`
    )
    expect(build({})).toContain(`--provenance=mode=min,inline-only=true,builder-id=${RUN_URL}`)
    expect(build({ provenance: 'false' }, event({ private: false }))).toContain('--provenance=false')
    expect(build({ load: 'true', push: 'false' }, event({ private: false })).join(' ')).not.toContain(
      '--provenance'
    )
  })
})
