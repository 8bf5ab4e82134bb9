import { readdirSync, readFileSync } from 'node:fs'

/**
 * On cancellation the runner signals only the step's own process (node): docker commands it started would go
 * on as orphans and could create a builder container after post has removed the builder. So main stops them
 * first. Linux only (their parent links are read from /proc); elsewhere nothing is found and node exits.
 */

const WAIT_MS = 5000
const POLL_MS = 100

/** Every process below `root`, children before their own children. */
export function descendants(root: number, read = readProcessParents): number[] {
  const parents = read()
  const found: number[] = []
  const queue = [root]
  while (queue.length > 0 && found.length < 10_000) {
    const parent = queue.shift() as number
    for (const [pid, ppid] of parents) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid)
        queue.push(pid)
      }
    }
  }
  return found
}

/** pid → parent pid of every process /proc shows. */
export function readProcessParents(): Map<number, number> {
  const parents = new Map<number, number>()
  let names: string[] = []
  try {
    names = readdirSync('/proc').filter(name => /^\d+$/.test(name))
  } catch {
    return parents
  }
  for (const name of names) {
    try {
      // The command name (field 2) is in parentheses and may hold spaces or ")": the parent pid follows the last ")".
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (Number.isInteger(ppid)) parents.set(Number(name), ppid)
    } catch {
      // Gone meanwhile.
    }
  }
  return parents
}

function signal(pid: number, name: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch {
    return false
  }
}

/** SIGTERM to every process main started (buildx cancels what it does), SIGKILL to any still there after WAIT_MS. */
export async function stopChildren(): Promise<number> {
  const children = descendants(process.pid)
  children.forEach(pid => signal(pid, 'SIGTERM'))
  const deadline = Date.now() + WAIT_MS
  let alive = children
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, POLL_MS))
    alive = alive.filter(pid => signal(pid, 0))
  }
  alive.forEach(pid => signal(pid, 'SIGKILL'))
  return children.length
}
