import { artifactName } from '../../../src/model/cache-mounts'
import { findCacheMounts } from '../../../src/model/dockerfile-mounts'
import { planCacheMounts } from '../../../src/plan/cache-mounts-plan'

const mounts = findCacheMounts(
  [
    'FROM golang',
    'RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,id=gobuild,target=/c,uid=1000,gid=1000,mode=0700,sharing=private go build'
  ].join('\n')
).mounts
const given = {
  mounts,
  settings: { ref: 'r.example/app:cache-mounts', maxBytes: 2 * 1024 ** 3, helper: 'busybox:1.36' },
  builder: 'builder-x',
  buildArgs: ['A=1', 'BUILDKIT_CACHE_MOUNT_NS=team'],
  workDir: '/tmp/run',
  bases: [] as { ref: string; platform?: string }[],
  platforms: [] as string[]
}

/** The script of a helper Dockerfile's one RUN (the exec form). */
function scriptOf(text: string): string {
  const run = text.split('\n').find(line => line.startsWith('RUN ')) as string
  return (JSON.parse(run.slice(run.indexOf('["'))) as string[])[2]
}

describe('planCacheMounts', () => {
  const plan = planCacheMounts(given)

  it('mounts each cache as the Dockerfile does (id, owner, mode), with the namespace build arg passed on', () => {
    expect(plan.namespace).toBe('team')
    const run = plan.restore.dockerfile.text.split('\n').find(line => line.startsWith('RUN '))
    expect(run).toContain('--mount=type=cache,id=/root/go/pkg/mod,target=/cache-mounts/0,sharing=locked ')
    expect(run).toContain(
      '--mount=type=cache,id=gobuild,target=/cache-mounts/1,sharing=locked,uid=1000,gid=1000,mode=0700 '
    )
    expect(run).toContain('--mount=from=r.example/app:cache-mounts,target=/saved ')
    expect(plan.restore.argv('n0nce')).toEqual([
      'buildx',
      'build',
      '--builder',
      'builder-x',
      '--file',
      '/tmp/run/cache-mounts/restore.Dockerfile',
      '--build-arg',
      'CACHE_MOUNTS_RUN=n0nce',
      '--build-arg',
      'BUILDKIT_CACHE_MOUNT_NS=team',
      '--provenance=false',
      '--sbom=false',
      '--output',
      'type=local,dest=/tmp/run/cache-mounts/restore',
      '/tmp/run/cache-mounts/context'
    ])
    expect(plan.restore.report).toBe('/tmp/run/cache-mounts/restore/result')
  })

  it('runs its script in the exec form, with the bound in kilobytes and the artifact names', () => {
    const text = plan.restore.dockerfile.text
    const run = text.split('\n').find(line => line.startsWith('RUN ')) as string
    const [sh, flag, script] = JSON.parse(run.slice(run.indexOf('["'))) as string[]
    expect([sh, flag]).toEqual(['sh', '-c'])
    expect(script).toContain(`-gt ${2 * 1024 * 1024} ]`)
    expect(script).toContain(`restore 0 ${artifactName(mounts[0])}`)
    expect(script).toContain(`restore 1 ${artifactName(mounts[1])}`)
    expect(text).toMatch(/^FROM busybox:1.36 AS restore\nARG CACHE_MOUNTS_RUN\n/)
    expect(text).toContain('FROM scratch\nCOPY --from=restore /report/ /\n')
  })

  it('gives each helper build a value of its own, so BuildKit never reuses a measure of earlier', () => {
    expect(plan.measure.argv('one')).not.toEqual(plan.measure.argv('two'))
  })

  it('measures without pulling the artifact, reading the listings the restore left as a named context', () => {
    expect(plan.measure.dockerfile.text).not.toContain('--mount=from=r.example')
    expect(plan.measure.dockerfile.text).toContain(' --mount=from=lists,target=/lists ')
    const argv = plan.measure.argv('n')
    expect(argv).toContain('type=local,dest=/tmp/run/cache-mounts/measure')
    expect(argv.slice(argv.indexOf('--build-context'), argv.indexOf('--build-context') + 2)).toEqual([
      '--build-context',
      'lists=/tmp/run/cache-mounts/restore'
    ])
    // The restore's local output is where those listings land.
    expect(plan.restore.argv('n')).toContain(`type=local,dest=${plan.lists}`)
    const script = scriptOf(plan.measure.dockerfile.text)
    expect(script).toContain(
      `echo "1 measured $(measure /cache-mounts/1 /tmp/now.1)$(changed_kb /lists/${artifactName(mounts[1])}.list /tmp/now.1 /cache-mounts/1)"`
    )
  })

  const copies = (text: string): string[] => text.split('\n').filter(line => line.startsWith('COPY '))
  const [first, second] = mounts.map(artifactName)
  const none = { carried: [], updated: [], changeSets: [], append: false }

  it('saves the chosen mounts whole, a tar each in a layer of its own, with the id of this save, no attestations', () => {
    const save = plan.save([1])
    expect(save.dockerfile.text).toContain(`tar -cf /out/${second}.tar -C /cache-mounts/1 .`)
    expect(save.dockerfile.text).not.toContain('/cache-mounts/0')
    expect(save.dockerfile.text).toContain('FROM scratch\n')
    expect(scriptOf(save.dockerfile.text)).toContain('echo "$CACHE_MOUNTS_RUN" > /out/artifact.id\n')
    expect(copies(save.dockerfile.text)).toEqual([
      `COPY --link --from=save /out/${second}.tar /`,
      'COPY --link --from=save /out/artifact.id /'
    ])
    expect(save.argv('n')).toContain(
      'type=image,name=r.example/app:cache-mounts,push=true,oci-mediatypes=true,compression=zstd'
    )
    expect(save.argv('n')).toContain('--provenance=false')
    expect(save.argv('n')).not.toContain('--build-context')
  })

  it('copies a carried mount from the artifact as it is, its sets of changes too, and packs only the others', () => {
    const save = plan.save([0, 1], { ...none, carried: [0], changeSets: [2, 0] })
    const text = save.dockerfile.text
    expect(text).toMatch(/^FROM r\.example\/app:cache-mounts AS saved\nFROM busybox:1\.36 AS save\n/)
    expect(text).not.toContain('/cache-mounts/0')
    expect(copies(text)).toEqual([
      ...['.tar', '.delta.1.cpio', '.gone.1', '.delta.2.cpio', '.gone.2'].map(
        file => `COPY --link --from=saved /${first}${file} /`
      ),
      `COPY --link --from=save /out/${second}.tar /`,
      'COPY --link --from=save /out/artifact.id /'
    ])
    expect(plan.save([1]).dockerfile.text).not.toContain(' AS saved')
  })

  it('appends to the artifact one more set of changes of an updated mount, once it finds the artifact restored', () => {
    const save = plan.save([0, 1], {
      carried: [0],
      updated: [1],
      changeSets: [0, 2],
      append: true,
      artifactId: 'abcdef0123456789'
    })
    const text = save.dockerfile.text
    const run = text.split('\n').find(line => line.startsWith('RUN ')) as string
    expect(run).toContain(' --mount=from=saved,target=/saved --mount=from=lists,target=/lists ')
    const script = scriptOf(text)
    expect(script).toContain('if [ "$(cat /saved/artifact.id 2>/dev/null)" != abcdef0123456789 ]; then\n')
    expect(script).toContain(
      `changes /cache-mounts/1 /lists/${second}.list /out/${second}.delta.3.cpio /out/${second}.gone.3`
    )
    // The artifact's layers stay as they were: only the new files are layers of this save.
    expect(text).toContain('\nFROM saved\n')
    expect(copies(text)).toEqual([
      `COPY --link --from=save /out/${second}.delta.3.cpio /`,
      `COPY --link --from=save /out/${second}.gone.3 /`,
      'COPY --link --from=save /out/artifact.id /'
    ])
    const argv = save.argv('n')
    expect(argv.slice(argv.indexOf('--build-context'), argv.indexOf('--build-context') + 2)).toEqual([
      '--build-context',
      'lists=/tmp/run/cache-mounts/restore'
    ])
  })

  it('rebuilds the artifact with an updated mount as its files and the new set when it cannot append', () => {
    const text = plan.save([0, 1], {
      ...none,
      updated: [0],
      changeSets: [1, 0],
      artifactId: 'abcdef0123456789'
    }).dockerfile.text
    expect(text).toContain('\nFROM scratch\n')
    expect(copies(text)).toEqual([
      ...['.tar', '.delta.1.cpio', '.gone.1'].map(file => `COPY --link --from=saved /${first}${file} /`),
      ...['.delta.2.cpio', '.gone.2'].map(file => `COPY --link --from=save /out/${first}${file} /`),
      `COPY --link --from=save /out/${second}.tar /`,
      'COPY --link --from=save /out/artifact.id /'
    ])
  })

  it('restores the sets of changes in order after the whole copy, skipping gone names that leave the mount', () => {
    const script = scriptOf(plan.restore.dockerfile.text)
    expect(script).toContain(
      'while [ $sets -lt 8 ] && [ -f "$src.delta.$((sets + 1)).cpio" ] && [ -f "$src.gone.$((sets + 1))" ]; do'
    )
    expect(script).toContain('apply "$src.delta.$at.cpio" "$src.gone.$at" "$dst"')
    expect(script).toContain('case "$name/" in ./*/../*|../*) continue ;; ./*) rm -rf "$3/$name" ;; esac')
    // The listing of what was unpacked goes to the report, for the save after the build.
    expect(script).toContain('echo "$1 restored $(measure "$dst" "/report/$2.list") changes=$sets:$setkb"')
    // The artifact's id, when it has one; an artifact without is still restored.
    expect(script).toContain(
      'if [ -f /saved/artifact.id ]; then echo "id $(head -c 64 /saved/artifact.id)"; fi > /tmp/report.id'
    )
  })

  it('unpacks the mounts side by side and reports them in order', () => {
    const script = JSON.parse(
      (plan.restore.dockerfile.text.split('\n').find(line => line.startsWith('RUN ')) as string).replace(
        /^[^[]*/,
        ''
      )
    )[2] as string
    expect(script).toContain(`restore 0 ${artifactName(mounts[0])} > /tmp/report.0 &\n`)
    expect(script).toContain(`restore 1 ${artifactName(mounts[1])} > /tmp/report.1 &\nwait\n`)
    expect(script).toMatch(/cat \/tmp\/report\.0 \/tmp\/report\.1 \/tmp\/report\.id > \/report\/result$/)
  })

  it('has no prefetch when there is no base image to pull', () => {
    expect(plan.prefetch).toBeUndefined()
  })

  it('pulls the base images as the build would, on its platforms, mounting each in one RUN that outputs nothing', () => {
    const prefetch = planCacheMounts({
      ...given,
      bases: [{ ref: '127.0.0.1:5000/go:1.26', platform: '$BUILDPLATFORM' }, { ref: 'alpine:3.20' }],
      platforms: ['linux/amd64', 'linux/arm64']
    }).prefetch
    expect(prefetch?.images).toBe(2)
    expect(prefetch?.build.dockerfile.text).toBe(
      [
        'FROM --platform=$BUILDPLATFORM 127.0.0.1:5000/go:1.26 AS base0',
        'FROM alpine:3.20 AS base1',
        'FROM --platform=$BUILDPLATFORM busybox:1.36',
        'ARG CACHE_MOUNTS_RUN',
        'RUN --mount=from=base0,target=/bases/0 --mount=from=base1,target=/bases/1 ["true"]',
        ''
      ].join('\n')
    )
    expect(prefetch?.build.argv('n')).toEqual([
      'buildx',
      'build',
      '--builder',
      'builder-x',
      '--file',
      '/tmp/run/cache-mounts/prefetch.Dockerfile',
      '--build-arg',
      'CACHE_MOUNTS_RUN=n',
      '--platform',
      'linux/amd64,linux/arm64',
      '--output',
      'type=cacheonly',
      '/tmp/run/cache-mounts/context'
    ])
  })

  it('leaves the namespace out when the build args do not set it', () => {
    const plain = planCacheMounts({ ...given, buildArgs: [] })
    expect(plain.namespace).toBe('')
    expect(plain.restore.argv('n').filter(arg => arg.startsWith('BUILDKIT_CACHE_MOUNT_NS'))).toEqual([])
  })
})
