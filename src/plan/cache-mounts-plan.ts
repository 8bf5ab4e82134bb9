// The helper builds that move cache mounts between the builder and the registry: generated Dockerfiles and their
// argv (pure). They run on the build's own builder, so its mirrors, proxy, TLS and logins apply to them too.
import type { CacheMountsInputs } from '../inputs/cache-mounts'
import { artifactName } from '../model/cache-mounts'
import type { BaseImage } from '../model/dockerfile-bases'
import type { CacheMount } from '../model/dockerfile-mounts'

/** The build arg that namespaces every cache id of a build (BuildKit's Dockerfile frontend reads it). */
export const NAMESPACE_ARG = 'BUILDKIT_CACHE_MOUNT_NS'
/** Changes every run, so BuildKit never answers a helper's RUN from its cache instead of running it. */
const NONCE_ARG = 'CACHE_MOUNTS_RUN'

export interface HelperBuild {
  /** The generated Dockerfile's path, and its text. */
  dockerfile: { path: string; text: string }
  /** Its argv with a value new to each helper build, so BuildKit runs its RUN rather than reusing a result. */
  argv: (nonce: string) => string[]
  /** Where a local output lands (restore and measure), with its report file. */
  report?: string
}

export interface CacheMountsPlan {
  /** The image the mounts are kept in. */
  ref: string
  mounts: CacheMount[]
  /** `<BUILDKIT_CACHE_MOUNT_NS>`: '' unless the build args set it. */
  namespace: string
  restore: HelperBuild
  measure: HelperBuild
  /**
   * The save of the mounts at these indexes, each as a tar file, pushed as one image to the reference; those
   * carried are copied from the artifact as restored rather than packed again.
   */
  save: (indexes: number[], carried?: number[]) => HelperBuild
  /** The empty folder every helper build has as its context. */
  context: string
  /** Pulls the build's base images onto the builder while the restore runs; none when there are none to pull. */
  prefetch?: { build: HelperBuild; images: number }
}

interface Given {
  mounts: CacheMount[]
  settings: CacheMountsInputs
  builder: string
  buildArgs: string[]
  workDir: string
  /** The build's base images (findBaseImages) and platforms, for the prefetch. */
  bases: BaseImage[]
  platforms: string[]
}

export function planCacheMounts(given: Given): CacheMountsPlan {
  const dir = `${given.workDir}/cache-mounts`
  const namespaceArg = given.buildArgs.filter(arg => arg.startsWith(`${NAMESPACE_ARG}=`)).at(-1)
  const context = `${dir}/context`
  const argv =
    (dockerfile: string, output: string) =>
    (nonce: string): string[] => [
      'buildx',
      'build',
      '--builder',
      given.builder,
      '--file',
      dockerfile,
      '--build-arg',
      `${NONCE_ARG}=${nonce}`,
      ...(namespaceArg ? ['--build-arg', namespaceArg] : []),
      '--provenance=false',
      '--sbom=false',
      '--output',
      output,
      context
    ]
  const reportBuild = (name: 'restore' | 'measure', script: string, extraMounts: string[]): HelperBuild => {
    const path = `${dir}/${name}.Dockerfile`
    const report = `${dir}/${name}`
    const text = [
      helperStage(given, name, script, extraMounts, allIndexes(given.mounts)),
      'FROM scratch',
      `COPY --from=${name} /report/ /`,
      ''
    ].join('\n')
    return {
      dockerfile: { path, text },
      argv: argv(path, `type=local,dest=${report}`),
      report: `${report}/result`
    }
  }
  const save = (indexes: number[], carried: number[] = []): HelperBuild => {
    const fresh = indexes.filter(index => !carried.includes(index))
    const script = [
      'set -eu',
      'mkdir -p /out',
      ...fresh.map(
        index => `tar -cf /out/${artifactName(given.mounts[index])}.tar -C /cache-mounts/${index} .`
      )
    ].join('\n')
    const text = [
      helperStage(given, 'save', script, [], fresh),
      ...(carried.length > 0 ? [`FROM ${given.settings.ref} AS saved`] : []),
      'FROM scratch',
      // One layer per mount, in the mounts' order. A carried mount's layer is the artifact's own file copied as it
      // is, so it gives the same layer, which the registry already holds.
      ...indexes.map(index =>
        carried.includes(index)
          ? `COPY --link --from=saved /${artifactName(given.mounts[index])}.tar /`
          : `COPY --link --from=save /out/${artifactName(given.mounts[index])}.tar /`
      ),
      ''
    ].join('\n')
    const path = `${dir}/save.Dockerfile`
    return {
      dockerfile: { path, text },
      // zstd: several times faster than gzip at a similar size, for caches of many small files.
      argv: argv(path, `type=image,name=${given.settings.ref},push=true,oci-mediatypes=true,compression=zstd`)
    }
  }
  return {
    ref: given.settings.ref,
    mounts: given.mounts,
    namespace: namespaceArg ? namespaceArg.slice(NAMESPACE_ARG.length + 1) : '',
    context,
    restore: reportBuild('restore', restoreScript(given), [
      `--mount=from=${given.settings.ref},target=/saved`
    ]),
    measure: reportBuild('measure', measureScript(given), []),
    save,
    ...(given.bases.length > 0
      ? { prefetch: { build: prefetchBuild(given, dir, context), images: given.bases.length } }
      : {})
  }
}

/**
 * A build that mounts each base image in a RUN, so BuildKit pulls and unpacks it as the user's build would (same
 * reference, same platforms), and outputs nothing. The user's build then finds them on the builder. Its RUN runs
 * on the build platform, whatever platform each base is for.
 */
function prefetchBuild(given: Given, dir: string, context: string): HelperBuild {
  const path = `${dir}/prefetch.Dockerfile`
  const text = [
    ...given.bases.map(
      (base, index) =>
        `FROM ${base.platform !== undefined ? `--platform=${base.platform} ` : ''}${base.ref} AS base${index}`
    ),
    `FROM --platform=$BUILDPLATFORM ${given.settings.helper}`,
    `ARG ${NONCE_ARG}`,
    `RUN ${given.bases.map((_, index) => `--mount=from=base${index},target=/bases/${index}`).join(' ')} ["true"]`,
    ''
  ].join('\n')
  return {
    dockerfile: { path, text },
    argv: nonce => [
      'buildx',
      'build',
      '--builder',
      given.builder,
      '--file',
      path,
      '--build-arg',
      `${NONCE_ARG}=${nonce}`,
      ...(given.platforms.length > 0 ? ['--platform', given.platforms.join(',')] : []),
      '--output',
      'type=cacheonly',
      context
    ]
  }
}

function allIndexes(mounts: CacheMount[]): number[] {
  return mounts.map((_, index) => index)
}

/**
 * A stage whose one RUN mounts the caches as the user's Dockerfile does (same id, owner and mode, so BuildKit
 * gives it the same cache) and runs the script. Every value written here is checked or made by this action:
 * ids by the Dockerfile reader (no quotes, commas, blanks or `$`), references by the input checks.
 */
function helperStage(
  given: Given,
  name: string,
  script: string,
  extraMounts: string[],
  indexes: number[]
): string {
  const mounts = indexes.map(index => {
    const mount = given.mounts[index]
    const owner = [
      mount.uid !== undefined ? `,uid=${mount.uid}` : '',
      mount.gid !== undefined ? `,gid=${mount.gid}` : '',
      mount.mode !== undefined ? `,mode=${mount.mode}` : ''
    ].join('')
    // locked: a helper never runs beside the build, and it must not see a cache half written by another.
    return `--mount=type=cache,id=${mount.id},target=/cache-mounts/${index},sharing=locked${owner}`
  })
  return [
    `FROM ${given.settings.helper} AS ${name}`,
    `ARG ${NONCE_ARG}`,
    // The exec form: the script reaches sh as one argument, never read by another shell first.
    `RUN ${[...mounts, ...extraMounts].join(' ')} ${JSON.stringify(['sh', '-c', script])}`
  ].join('\n')
}

/** A shell function of the helper scripts: one line, `<kilobytes> <digest or ->`, for the folder $1. */
const MEASURE = [
  'measure() {',
  '  if [ -z "$(ls -A "$1")" ]; then echo "0 -"; return; fi',
  // Folders without their times: a file made and removed again (a lock, a temp file) changes its folder's time
  // and nothing else, and is no change to keep.
  '  echo "$(du -sk "$1" | cut -f1) $(cd "$1" && { find . -type d -exec stat -c "d %n %a %u %g" {} +; find . ! -type d -exec stat -c "f %n %s %Y %a %u %g" {} +; } | sort | sha256sum | cut -c1-64)"',
  '}'
].join('\n')

/** For each mount: leave content the builder has, else unpack the artifact's tar within the bound. */
function restoreScript(given: Given): string {
  const maxKb = Math.floor(given.settings.maxBytes / 1024)
  return [
    'set -u',
    'mkdir -p /report',
    MEASURE,
    'restore() {',
    '  dst=/cache-mounts/$1 src=/saved/$2.tar',
    '  if [ -n "$(ls -A "$dst")" ]; then echo "$1 present $(measure "$dst")"; return; fi',
    '  if [ ! -f "$src" ]; then echo "$1 missing 0 -"; return; fi',
    '  kb=$(du -k "$src" | cut -f1)',
    `  if [ "$kb" -gt ${maxKb} ]; then echo "$1 too-large $kb -"; return; fi`,
    '  if tar -xf "$src" -C "$dst" 2>/dev/null; then echo "$1 restored $(measure "$dst")"; return; fi',
    // A tar that breaks off leaves part of a cache, which a tool could take for whole: empty it again.
    '  find "$dst" -mindepth 1 -delete',
    '  echo "$1 corrupt $kb -"',
    '}',
    // The mounts unpack side by side: making many small files is slow on most disks, and mostly waits.
    ...given.mounts.map((mount, index) => `restore ${index} ${artifactName(mount)} > /tmp/report.${index} &`),
    'wait',
    `cat ${given.mounts.map((_, index) => `/tmp/report.${index}`).join(' ')} > /report/result`
  ].join('\n')
}

function measureScript(given: Given): string {
  return [
    'set -u',
    'mkdir -p /report',
    MEASURE,
    '{',
    ...given.mounts.map((_, index) => `  echo "${index} measured $(measure /cache-mounts/${index})"`),
    '} > /report/result'
  ].join('\n')
}
