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

interface GoModules {
  startModuleServer(module: string, version: string, files: Record<string, string>): Promise<ModuleServer>
  copyModules(goSum: string, cache: string, maxBytes: number): { dir: string; bytes: number }
  startCopiedModuleServer(goSum: string, cache: string, maxBytes: number): Promise<CopiedModuleServer>
  goToolchainImage(registry: string): Promise<string>
  GREET: { module: string; version: string; files: Record<string, string> }
}

export const { startModuleServer, copyModules, startCopiedModuleServer, goToolchainImage, GREET } = shared
