// Types for go-modules.cjs, which the bench loads too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shared = require('./go-modules.cjs') as GoModules

export interface ModuleServer {
  port: number
  /** Every path asked, in order. */
  requests: string[]
  close(): Promise<void>
}

/** A module server over a copy of the module versions a go.sum names; `bytes`: the copy's size. */
export interface CopiedModuleServer extends ModuleServer {
  bytes: number
}

/** What modelLink gives: an answer's start delay, and the booking of one shared link a chunk at a time. */
export interface Link {
  delayMs: number
  reserve(bytes: number): number
}

interface GoModules {
  startModuleServer(
    module: string,
    version: string,
    files: Record<string, string>,
    link?: Link
  ): Promise<ModuleServer>
  copyModules(goSum: string, cache: string, maxBytes: number): { dir: string; bytes: number }
  startCopiedModuleServer(
    goSum: string,
    cache: string,
    maxBytes: number,
    link?: Link
  ): Promise<CopiedModuleServer>
  modelLink(model: { bytesPerSecond: number; delayMs: number }, now?: () => number): Link
  goToolchainImage(registry: string): Promise<string>
  GREET: { module: string; version: string; files: Record<string, string> }
}

export const { startModuleServer, copyModules, startCopiedModuleServer, modelLink, goToolchainImage, GREET } =
  shared
