// The helper builds that move cache mounts between the builder and the registry: generated Dockerfiles and their
// argv (pure). They run on the build's own builder, so its mirrors, proxy, TLS and logins apply to them too.
import type { CacheMountsInputs } from '../inputs/cache-mounts'
import { artifactName, MAX_CHANGE_SETS, PACKED_WHOLE, readsArtifact, SaveLayout } from '../model/cache-mounts'
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

/** A save's layout, with the artifact id the restore read, which the save checks it still finds. */
export type SaveOf = SaveLayout & { artifactId?: string }

export interface CacheMountsPlan {
  /** The image the mounts are kept in. */
  ref: string
  mounts: CacheMount[]
  /** `<BUILDKIT_CACHE_MOUNT_NS>`: '' unless the build args set it. */
  namespace: string
  restore: HelperBuild
  measure: HelperBuild
  /**
   * The save of the mounts at these indexes, pushed as one image to the reference: each packed whole as a tar
   * file, carried from the artifact as restored, or updated with one more set of changes (what is new or changed
   * since the restore's listing, and the names gone). Every file is a layer of its own.
   */
  save: (indexes: number[], layout?: SaveOf) => HelperBuild
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
  const save = (indexes: number[], layout: SaveOf = PACKED_WHOLE): HelperBuild => {
    const { carried, updated, changeSets, append, artifactId } = layout
    const fresh = indexes.filter(index => !carried.includes(index))
    const name = (index: number): string => artifactName(given.mounts[index])
    // The next set of changes of a mount, and the files of the sets it has.
    const next = (index: number): number => (changeSets[index] ?? 0) + 1
    const sets = (count: number): string[] =>
      Array.from({ length: count }, (_, at) => [`.delta.${at + 1}.cpio`, `.gone.${at + 1}`]).flat()
    const usesArtifact = readsArtifact(layout)
    const script = [
      'set -eu',
      'mkdir -p /out',
      LISTING,
      ...(updated.length > 0 ? [CHANGES] : []),
      // A set of changes holds only over the very artifact restored: another job may have saved since.
      ...(artifactId !== undefined && usesArtifact
        ? [
            `if [ "$(cat /saved/artifact.id 2>/dev/null)" != ${artifactId} ]; then`,
            '  echo "the cache-mounts image changed since the restore" >&2; exit 1',
            'fi'
          ]
        : []),
      `echo "$${NONCE_ARG}" > /out/artifact.id`,
      ...fresh.map(index =>
        updated.includes(index)
          ? `changes /cache-mounts/${index} /lists/${name(index)}.list /out/${name(index)}.delta.${next(index)}.cpio /out/${name(index)}.gone.${next(index)}`
          : `tar -cf /out/${name(index)}.tar -C /cache-mounts/${index} .`
      )
    ].join('\n')
    // One layer per file, in the mounts' order. A layer carried is the artifact's own file copied as it is, so
    // it is the same layer, which the registry already holds.
    const from = (stage: 'save' | 'saved', index: number, files: string[]): string[] =>
      files.map(
        file => `COPY --link --from=${stage} /${stage === 'save' ? 'out/' : ''}${name(index)}${file} /`
      )
    const added = (index: number): string[] =>
      updated.includes(index)
        ? from('save', index, sets(next(index)).slice(-2))
        : carried.includes(index)
          ? []
          : from('save', index, ['.tar'])
    const layers = (index: number): string[] =>
      carried.includes(index) || updated.includes(index)
        ? [...from('saved', index, ['.tar', ...sets(changeSets[index] ?? 0)]), ...added(index)]
        : added(index)
    const text = [
      ...(usesArtifact ? [`FROM ${given.settings.ref} AS saved`] : []),
      helperStage(
        given,
        'save',
        script,
        [
          ...(usesArtifact && artifactId !== undefined ? ['--mount=from=saved,target=/saved'] : []),
          ...(updated.length > 0 ? ['--mount=from=lists,target=/lists'] : [])
        ],
        fresh
      ),
      // Appended: the artifact's layers stay as they are, so they are neither packed nor pushed again.
      ...(append ? ['FROM saved', ...indexes.flatMap(added)] : ['FROM scratch', ...indexes.flatMap(layers)]),
      'COPY --link --from=save /out/artifact.id /',
      ''
    ].join('\n')
    const path = `${dir}/save.Dockerfile`
    return {
      dockerfile: { path, text },
      // zstd: several times faster than gzip at a similar size, for caches of many small files.
      argv: argv(
        path,
        `type=image,name=${given.settings.ref},push=true,oci-mediatypes=true,compression=zstd`,
        updated.length > 0 ? ['--build-context', `lists=${lists}`] : []
      )
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
 * time), and the name last, so that it may hold blanks. `measure`: the listing of $1 into $2, and `<kilobytes>
 * <digest of the listing>`, or `0 -` for an empty folder. `only_in`: the lines of $2 (`-`: standard input) that
 * are not in $1, with awk, as not every busybox has comm.
 */
const LISTING = [
  'list() {',
  '  (cd "$1" && { find . -type d -exec stat -c "d %a %u %g - - %n" {} +; find . ! -type d -exec stat -c "f %a %u %g %s %Y %n" {} +; }) | LC_ALL=C sort',
  '}',
  'measure() {',
  '  list "$1" > "$2"',
  '  if [ -z "$(ls -A "$1")" ]; then echo "0 -"; return; fi',
  '  echo "$(du -sk "$1" | cut -f1) $(sha256sum < "$2" | cut -c1-64)"',
  '}',
  'only_in() {',
  '  awk \'NR == FNR { seen[$0]; next } !($0 in seen)\' "$1" "$2"',
  '}'
].join('\n')

/**
 * The save's: packs into the cpio $3 what is new or changed in $1 since the listing $2 (folders too, for their
 * modes and owners), and writes the names gone into $4. cpio, as it takes the names to pack from a file.
 */
const CHANGES = [
  'changes() {',
  '  list "$1" > /tmp/now',
  // `.` first: never an empty archive, and the mount's own mode comes along.
  "  { echo .; only_in \"$2\" /tmp/now | cut -d' ' -f7-; } | awk '!seen[$0]++' > /tmp/changed",
  '  (cd "$1" && cpio -o -H newc < /tmp/changed > "$3")',
  "  cut -d' ' -f7- /tmp/now > /tmp/now.names",
  '  cut -d\' \' -f7- "$2" | only_in /tmp/now.names - > "$4"',
  '}'
].join('\n')

/**
 * For each mount: leave content the builder has, else unpack the artifact's whole copy and then its sets of
 * changes in order, within the bound. The listing of what was unpacked goes to the report, for the save.
 */
function restoreScript(given: Given): string {
  const maxKb = Math.floor(given.settings.maxBytes / 1024)
  return [
    'set -u',
    'mkdir -p /report',
    LISTING,
    // One set of changes: its entries unpacked over the mount, then the names gone removed (each inside it).
    'apply() {',
    '  (cd "$3" && cpio -idmu < "$1") 2>/dev/null || return 1',
    '  while IFS= read -r name; do',
    '    case "$name/" in ./*/../*|../*) continue ;; ./*) rm -rf "$3/$name" ;; esac',
    '  done < "$2"',
    '}',
    'restore() {',
    '  dst=/cache-mounts/$1 src=/saved/$2',
    '  if [ -n "$(ls -A "$dst")" ]; then echo "$1 present $(measure "$dst" /tmp/list.$1)"; return; fi',
    '  if [ ! -f "$src.tar" ]; then echo "$1 missing 0 -"; return; fi',
    '  sets=0 setkb=0',
    `  while [ $sets -lt ${MAX_CHANGE_SETS} ] && [ -f "$src.delta.$((sets + 1)).cpio" ] && [ -f "$src.gone.$((sets + 1))" ]; do`,
    '    sets=$((sets + 1))',
    '    setkb=$((setkb + $(du -k "$src.delta.$sets.cpio" | cut -f1)))',
    '  done',
    '  kb=$(($(du -k "$src.tar" | cut -f1) + setkb))',
    `  if [ "$kb" -gt ${maxKb} ]; then echo "$1 too-large $kb -"; return; fi`,
    '  if tar -xf "$src.tar" -C "$dst" 2>/dev/null; then',
    '    at=1 ok=yes',
    '    while [ $at -le $sets ]; do apply "$src.delta.$at.cpio" "$src.gone.$at" "$dst" || { ok=; break; }; at=$((at + 1)); done',
    '    if [ -n "$ok" ]; then echo "$1 restored $(measure "$dst" "/report/$2.list") changes=$sets:$setkb"; return; fi',
    '  fi',
    // A tar that breaks off leaves part of a cache, which a tool could take for whole: empty it again.
    '  find "$dst" -mindepth 1 -delete',
    '  echo "$1 corrupt $kb -"',
    '}',
    // The artifact's id, which a save checks before it adds to what was restored.
    'if [ -f /saved/artifact.id ]; then echo "id $(head -c 64 /saved/artifact.id)"; fi > /tmp/report.id',
    // The mounts unpack side by side: making many small files is slow on most disks, and mostly waits.
    ...given.mounts.map((mount, index) => `restore ${index} ${artifactName(mount)} > /tmp/report.${index} &`),
    'wait',
    `cat ${given.mounts.map((_, index) => `/tmp/report.${index}`).join(' ')} /tmp/report.id > /report/result`
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
    '  if [ ! -f "$1" ] || [ -n "$(find "$3" -name "*$NL*" | head -n 1)" ]; then return; fi',
    '  echo " changed=$(only_in "$1" "$2" | awk \'$1 == "f" { s += $5 } END { print int(s / 1024) }\')"',
    '}',
    '{',
    ...given.mounts.map(
      (mount, index) =>
        `  echo "${index} measured $(measure /cache-mounts/${index} /tmp/now.${index})$(changed_kb /lists/${artifactName(mount)}.list /tmp/now.${index} /cache-mounts/${index})"`
    ),
    '} > /report/result'
  ].join('\n')
}
