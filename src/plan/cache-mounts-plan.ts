// The helper builds that move cache mounts between the builder and the registry: generated Dockerfiles and their
// argv (pure). They run on the build's own builder, so its mirrors, proxy, TLS and logins apply to them too.
import type { CacheMountsInputs } from '../inputs/cache-mounts'
import { ArtifactParts, artifactName } from '../model/cache-mounts'
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

/** How a save lays out each mount it keeps (mountsToSave), and what the artifact held of each (the restore's). */
export interface SaveLayout {
  carried: number[]
  updated: number[]
  parts: (ArtifactParts | undefined)[]
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
   * The save of the mounts at these indexes, pushed as one image to the reference: each packed whole as a tar file
   * with the listing of its entries; a carried one copied from the artifact as restored; an updated one as the
   * artifact's full layers and a cpio archive of what changed since their listing, with the names gone.
   */
  save: (indexes: number[], layout?: SaveLayout) => HelperBuild
  /** Where the restore leaves the listings of what it unpacked, for the measure before the save. */
  lists: string
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
  const lists = `${dir}/restore`
  const argv =
    (dockerfile: string, output: string, extra: string[] = []) =>
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
      ...extra,
      '--provenance=false',
      '--sbom=false',
      '--output',
      output,
      context
    ]
  const reportBuild = (
    name: 'restore' | 'measure',
    script: string,
    extraMounts: string[],
    extraArgs: string[] = []
  ): HelperBuild => {
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
      argv: argv(path, `type=local,dest=${report}`, extraArgs),
      report: `${report}/result`
    }
  }
  const save = (
    indexes: number[],
    layout: SaveLayout = { carried: [], updated: [], parts: [] }
  ): HelperBuild => {
    const { carried, updated, parts } = layout
    const fresh = indexes.filter(index => !carried.includes(index))
    const name = (index: number): string => artifactName(given.mounts[index])
    const script = [
      'set -eu',
      'mkdir -p /out',
      LISTING,
      ...fresh.map(index =>
        updated.includes(index)
          ? `changes /cache-mounts/${index} /saved/${name(index)}.list /out/${name(index)}`
          : `list /cache-mounts/${index} > /out/${name(index)}.list && tar -cf /out/${name(index)}.tar -C /cache-mounts/${index} .`
      )
    ].join('\n')
    // One layer per file, in the mounts' order. A layer carried is the artifact's own file copied as it is, so
    // it is the same layer, which the registry already holds.
    const from = (stage: string, index: number, files: string[]): string[] =>
      files.map(
        file => `COPY --link --from=${stage} /${stage === 'save' ? 'out/' : ''}${name(index)}${file} /`
      )
    const layers = (index: number): string[] => {
      if (updated.includes(index))
        return [...from('saved', index, ['.tar', '.list']), ...from('save', index, ['.delta.cpio', '.gone'])]
      if (!carried.includes(index)) return from('save', index, ['.tar', '.list'])
      const held = parts[index]
      return from('saved', index, [
        '.tar',
        ...(held === 'list' || held === 'delta' ? ['.list'] : []),
        ...(held === 'delta' ? ['.delta.cpio', '.gone'] : [])
      ])
    }
    const text = [
      ...(carried.length + updated.length > 0 ? [`FROM ${given.settings.ref} AS saved`] : []),
      helperStage(
        given,
        'save',
        script,
        updated.length > 0 ? ['--mount=from=saved,target=/saved'] : [],
        fresh
      ),
      'FROM scratch',
      ...indexes.flatMap(layers),
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
    // The listings the restore left are a named context of the measure, read to size what changed.
    measure: reportBuild(
      'measure',
      measureScript(given),
      ['--mount=from=lists,target=/lists'],
      ['--build-context', `lists=${lists}`]
    ),
    save,
    lists,
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

/**
 * Shell functions of the helper scripts. `list`: every entry of the folder $1, a line each, sorted: type, mode,
 * owner, group, then size and time (not of folders: a file made and removed again changes only its folder's
 * time), and the name last, so that it may hold blanks. `measure`: `<kilobytes> <digest of the listing>`, or
 * `0 -` for an empty folder. `changes`: packs into $3.delta.cpio what is new or changed in $1 since the listing
 * $2 (folders too, for their modes and owners), and writes the names gone into $3.gone. cpio, as it takes the
 * names to pack from a file; awk for the differences (not every busybox has comm).
 */
const LISTING = [
  'list() {',
  '  (cd "$1" && { find . -type d -exec stat -c "d %a %u %g - - %n" {} +; find . ! -type d -exec stat -c "f %a %u %g %s %Y %n" {} +; }) | LC_ALL=C sort',
  '}',
  'measure() {',
  '  if [ -z "$(ls -A "$1")" ]; then echo "0 -"; return; fi',
  '  echo "$(du -sk "$1" | cut -f1) $(list "$1" | sha256sum | cut -c1-64)"',
  '}',
  'changes() {',
  '  list "$1" > /tmp/now',
  // `.` first: never an empty archive, and the mount's own mode comes along.
  "  { echo .; awk 'NR == FNR { was[$0]; next } !($0 in was)' \"$2\" /tmp/now | cut -d' ' -f7-; } | awk '!seen[$0]++' > /tmp/changed",
  '  (cd "$1" && cpio -o -H newc < /tmp/changed > "$3.delta.cpio")',
  "  cut -d' ' -f7- /tmp/now > /tmp/now.names",
  '  cut -d\' \' -f7- "$2" | awk \'NR == FNR { is[$0]; next } !($0 in is)\' /tmp/now.names - > "$3.gone"',
  '}'
].join('\n')

/** For each mount: leave content the builder has, else unpack the artifact's files within the bound. */
function restoreScript(given: Given): string {
  const maxKb = Math.floor(given.settings.maxBytes / 1024)
  return [
    'set -u',
    'mkdir -p /report',
    LISTING,
    // The changes over the full copy: the names gone are removed, each a path inside the mount.
    'apply() {',
    '  (cd "$2" && cpio -idmu < "$1.delta.cpio") 2>/dev/null || return 1',
    '  while IFS= read -r name; do',
    '    case "$name/" in ./*/../*|../*) continue ;; ./*) rm -rf "$2/$name" ;; esac',
    '  done < "$1.gone"',
    '}',
    'restore() {',
    '  dst=/cache-mounts/$1 src=/saved/$2',
    '  if [ -n "$(ls -A "$dst")" ]; then echo "$1 present $(measure "$dst")"; return; fi',
    '  if [ ! -f "$src.tar" ]; then echo "$1 missing 0 -"; return; fi',
    '  parts=tar kb=$(du -k "$src.tar" | cut -f1)',
    '  if [ -f "$src.list" ]; then parts=list; fi',
    '  if [ $parts = list ] && [ -f "$src.delta.cpio" ] && [ -f "$src.gone" ]; then',
    '    parts=delta kb=$((kb + $(du -k "$src.delta.cpio" | cut -f1)))',
    '  fi',
    `  if [ "$kb" -gt ${maxKb} ]; then echo "$1 too-large $kb -"; return; fi`,
    '  if tar -xf "$src.tar" -C "$dst" 2>/dev/null && { [ $parts != delta ] || apply "$src" "$dst"; }; then',
    // The listing goes to the report, so the measure after the build can size what changed since.
    '    if [ $parts != tar ]; then cp "$src.list" "/report/$2.list"; fi',
    '    echo "$1 restored $(measure "$dst") parts=$parts"; return',
    '  fi',
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

/**
 * For each mount: its size and digest, and with a listing from the restore, the size of what changed since. A
 * name holding a line break would break the listing's lines: such a mount is packed whole.
 */
function measureScript(given: Given): string {
  return [
    'set -u',
    'mkdir -p /report',
    LISTING,
    "NL='",
    "'",
    'changed_kb() {',
    '  if [ ! -f "$2" ] || [ -n "$(find "$1" -name "*$NL*" | head -n 1)" ]; then return; fi',
    '  list "$1" > /tmp/now',
    '  echo " changed=$(awk \'NR == FNR { was[$0]; next } !($0 in was) && $1 == "f" { s += $5 } END { print int(s / 1024) }\' "$2" /tmp/now)"',
    '}',
    '{',
    ...given.mounts.map(
      (mount, index) =>
        `  echo "${index} measured $(measure /cache-mounts/${index})$(changed_kb /cache-mounts/${index} /lists/${artifactName(mount)}.list)"`
    ),
    '} > /report/result'
  ].join('\n')
}
