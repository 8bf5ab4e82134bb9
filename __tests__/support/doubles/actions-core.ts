/**
 * A recording stand-in for @actions/core in unit tests (mapped in jest.config.cjs): @actions/core is ESM-only,
 * which jest's CommonJS mode cannot load, and modules of src/run, post and the pipeline use it. What they write
 * is kept in `recorded` for assertions; inputs and state come from `world`.
 */
export const world = {
  inputs: {} as Record<string, string>,
  state: {} as Record<string, string>,
  debug: false
}

export const recorded = {
  lines: [] as { kind: string; text: string; properties?: unknown }[],
  outputs: {} as Record<string, string>,
  saved: {} as Record<string, string>,
  secrets: [] as string[],
  failed: [] as string[]
}

/** Clears what was recorded and what the world holds, between tests. */
export function reset(): void {
  world.inputs = {}
  world.state = {}
  world.debug = false
  recorded.lines = []
  recorded.outputs = {}
  recorded.saved = {}
  recorded.secrets = []
  recorded.failed = []
}

const line = (kind: string) => (text: string, properties?: unknown) => {
  recorded.lines.push({ kind, text, properties })
}
export const info = line('info')
export const debug = line('debug')
export const notice = line('notice')
export const warning = line('warning')
export const error = line('error')
export const startGroup = line('group')
export const endGroup = (): void => line('endgroup')('')

export function setFailed(message: string): void {
  recorded.failed.push(message)
}
export function isDebug(): boolean {
  return world.debug
}
export function getInput(name: string): string {
  return world.inputs[name] ?? ''
}
export function getState(name: string): string {
  return world.state[name] ?? ''
}
export function saveState(name: string, value: string): void {
  recorded.saved[name] = value
}
export function setOutput(name: string, value: string): void {
  recorded.outputs[name] = value
}
export function setSecret(value: string): void {
  recorded.secrets.push(value)
}
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name)
  try {
    return await fn()
  } finally {
    endGroup()
  }
}

class Summary {
  text = ''
  addHeading(text: string): this {
    this.text += `<h>${text}</h>\n`
    return this
  }
  addTable(rows: unknown[][]): this {
    this.text += `${JSON.stringify(rows)}\n`
    return this
  }
  async write(): Promise<this> {
    return this
  }
}
export const summary = new Summary()
