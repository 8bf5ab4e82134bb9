// Types for go-modules.cjs, which the bench loads too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shared = require('./go-modules.cjs') as GoModules

export interface ModuleServer {
  port: number
  /** Every path asked, in order. */
  requests: string[]
  close(): Promise<void>
}

interface GoModules {
  startModuleServer(module: string, version: string, files: Record<string, string>): Promise<ModuleServer>
  goToolchainImage(registry: string): Promise<string>
  GREET: { module: string; version: string; files: Record<string, string> }
}

export const { startModuleServer, goToolchainImage, GREET } = shared
