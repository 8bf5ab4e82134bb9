import { lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { BUILDX_RELEASE } from '../../model/buildx-release'
import { dockerConfigDir } from '../docker/config-files'
import { InstalledTool, installReleaseTool, InstallOptions, toolFileName } from '../tools/release-install'

export type { InstallOptions, Log } from '../tools/release-install'
export type InstalledBuildx = InstalledTool

export function pluginFileName(platform: string = process.platform): string {
  return toolFileName(BUILDX_RELEASE, platform)
}

/**
 * Finds buildx `version` in the runner's tool cache, or downloads and caches it, checked against the
 * checksums.txt published beside the download URL either way (installReleaseTool).
 */
export function installBuildx(options: InstallOptions): Promise<InstalledBuildx> {
  return installReleaseTool(BUILDX_RELEASE, options)
}

export interface PluginLink {
  /** Environment to add to docker commands: none, as docker finds the link in its default place. */
  env: Record<string, string>
  /** $DOCKER_CONFIG/cli-plugins/docker-buildx, a symlink to the cached buildx. */
  pluginPath: string
  /** False when the link was already there and pointed at this buildx. */
  changed: boolean
}

export { dockerConfigDir }

/**
 * Makes `docker buildx` run the buildx in dir. docker looks for plugins in $DOCKER_CONFIG/cli-plugins
 * before the system directories (/usr/libexec/docker/cli-plugins, ...), so a symlink there shadows an old
 * system buildx without touching it, and DOCKER_CONFIG stays the user's (with their registry logins and
 * builders). Only a missing entry or a symlink into the tool cache's docker-buildx (left by an earlier
 * run) is replaced; anything else there is the user's own plugin, which docker prefers and this does not
 * overwrite, so that is an error saying what to do. Plugin directories listed in config.json's
 * cliPluginsExtraDirs are searched even earlier: the caller should check `docker buildx version` again.
 */
export function useBuildxPlugin(dir: string, env: NodeJS.ProcessEnv = process.env): PluginLink {
  const fileName = pluginFileName()
  const target = resolve(dir, fileName)
  const pluginPath = join(dockerConfigDir(env), 'cli-plugins', fileName)
  const current = symlinkTarget(pluginPath)
  if (current === target) return { env: {}, pluginPath, changed: false }
  if (current === null || (current !== undefined && !isToolCacheBuildx(current, target))) {
    throw new Error(
      `${pluginPath} holds a buildx plugin that this action did not install, and docker prefers it to the ` +
        `downloaded one. Update or remove it, or link it to the buildx this action installed: ` +
        `ln -sf ${target} ${pluginPath}`
    )
  }
  mkdirSync(dirname(pluginPath), { recursive: true })
  // A new link renamed over the old one, so a concurrent docker call never sees no plugin at all.
  const temporary = `${pluginPath}.${process.pid}.tmp`
  rmSync(temporary, { force: true })
  symlinkSync(target, temporary, 'file')
  renameSync(temporary, pluginPath)
  return { env: {}, pluginPath, changed: true }
}

/** Undoes useBuildxPlugin (e.g. in post, on self-hosted runners): removes the link if it points to dir. */
export function removeBuildxPlugin(pluginPath: string, dir: string): boolean {
  if (symlinkTarget(pluginPath) !== resolve(dir, pluginFileName())) return false
  rmSync(pluginPath, { force: true })
  return true
}

/** undefined: nothing there; null: something that is not a symlink; else the absolute link target. */
function symlinkTarget(path: string): string | undefined | null {
  let isLink: boolean
  try {
    isLink = lstatSync(path).isSymbolicLink()
  } catch {
    return undefined
  }
  return isLink ? resolve(dirname(path), readlinkSync(path)) : null
}

/** A link into <tool cache>/docker-buildx/ (any version) was made by this action. */
function isToolCacheBuildx(linkTarget: string, ourTarget: string): boolean {
  // ourTarget is <tool cache>/docker-buildx/<version>/<arch>/docker-buildx.
  const toolRoot = dirname(dirname(dirname(ourTarget)))
  return linkTarget.startsWith(toolRoot + sep)
}
