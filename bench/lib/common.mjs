// Shared by the bench scripts: statistics, markdown tables, child processes with hard timeouts, the stack's
// endpoints and a description of the machine. The runner's side of a step is scripts/lib/runner.cjs.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { basename, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { clearTimeout, setTimeout } from 'node:timers'

export const ROOT = resolve(import.meta.dirname, '../..')
export const BUNDLE = resolve(ROOT, 'dist/index.js')

/** An integer ≥ minimum from the environment (BENCH_N and the like), else the default. */
export function intFromEnv(name, fallback, minimum = 1) {
  const raw = process.env[name]
  const value = Number(raw)
  return raw !== undefined && raw !== '' && Number.isInteger(value) && value >= minimum ? value : fallback
}

export function median(values) {
  const sorted = values.filter(v => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return NaN
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export function min(values) {
  return Math.min(...values.filter(Number.isFinite))
}

export function max(values) {
  return Math.max(...values.filter(Number.isFinite))
}

/** A number with a fixed count of decimals, or "–" when there is none. */
export function fmt(value, decimals = 1) {
  return Number.isFinite(value) ? value.toFixed(decimals) : '–'
}

/** A markdown table; numbers are right-aligned when the header says so with a leading ">". */
export function table(headers, rows) {
  const align = headers.map(h => (h.startsWith('>') ? '---:' : '---'))
  const names = headers.map(h => h.replace(/^>/, ''))
  const line = cells => `| ${cells.join(' | ')} |`
  return [line(names), line(align), ...rows.map(row => line(row.map(String)))].join('\n')
}

export const nowMs = () => performance.timeOrigin + performance.now()

/**
 * Runs a command to its end or until timeoutMs, then kills its process group. Resolves with the exit code (null
 * when killed), the output, the wall time and, when onLine is given, calls it with each stdout line and the time
 * it arrived.
 */
export function run(command, args, { env, cwd = ROOT, timeoutMs = 600_000, onLine, input } = {}) {
  return new Promise(resolvePromise => {
    const started = nowMs()
    const child = spawn(command, args, {
      env,
      cwd,
      detached: true,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
    })
    if (input !== undefined) child.stdin.end(input)
    let stdout = ''
    let stderr = ''
    let pending = ''
    let timedOut = false
    child.stdout.on('data', chunk => {
      const text = chunk.toString()
      stdout += text
      if (!onLine) return
      const at = nowMs()
      pending += text
      const lines = pending.split('\n')
      pending = lines.pop()
      for (const l of lines) onLine(l, at)
    })
    child.stderr.on('data', chunk => (stderr += chunk))
    const timer = setTimeout(() => {
      timedOut = true
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }, timeoutMs)
    child.on('error', error => {
      clearTimeout(timer)
      resolvePromise({
        code: null,
        stdout,
        stderr: stderr + String(error),
        wallMs: nowMs() - started,
        timedOut
      })
    })
    child.on('close', code => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr, wallMs: nowMs() - started, timedOut })
    })
  })
}

/** The endpoints stack/up wrote, or an empty object when the stack is not up. */
export function loadStack() {
  const file = `${process.env.STACK_STATE ?? '/var/tmp/mpb-stack'}/env`
  if (!existsSync(file)) return {}
  const env = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (match) env[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2')
  }
  return env
}

/** The environment a step gets: the bench's own, less any proxy settings that would change what is measured. */
export function cleanEnv(extra = {}) {
  const env = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (/proxy$/i.test(name) || name.startsWith('INPUT_') || name.startsWith('STATE_')) continue
    if (name.startsWith('GITHUB_') || name.startsWith('RUNNER_')) continue
    env[name] = value
  }
  return { ...env, ...extra }
}

/** Whether an HTTP server answers GET url within timeoutMs. */
export async function answers(url, timeoutMs = 2000) {
  try {
    const response = await globalThis.fetch(url, { signal: globalThis.AbortSignal.timeout(timeoutMs) })
    await response.arrayBuffer()
    return true
  } catch {
    return false
  }
}

function tryText(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000 }).trim()
  } catch {
    return ''
  }
}

/** nproc, memory, CPU model, kernel, Node and Docker versions, date: the machine a table came from. */
export function machine() {
  const cpuModel =
    /model name\s*:\s*(.*)/.exec(tryText('cat', ['/proc/cpuinfo']))?.[1] ?? cpus()[0]?.model ?? 'unknown'
  const memory =
    tryText('free', ['-h']).split('\n')[1]?.split(/\s+/)[1] ?? `${Math.round(totalmem() / 2 ** 30)}Gi`
  return {
    cores: tryText('nproc', []) || String(cpus().length),
    memory,
    cpu: cpuModel,
    kernel: tryText('uname', ['-r']),
    node: process.version,
    docker: tryText('docker', [
      'version',
      '--format',
      'client {{.Client.Version}}, engine {{.Server.Version}}'
    ]),
    buildx: tryText('docker', ['buildx', 'version']).replace(/^github.com\/docker\/buildx\s+/, ''),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  }
}

export function machineLine(m = machine()) {
  return (
    `${m.cores} cores (${m.cpu}), ${m.memory} RAM, Linux ${m.kernel}, Node ${m.node}` +
    (m.docker ? `, Docker ${m.docker}, buildx ${m.buildx}` : '') +
    `, ${m.date}`
  )
}

/** Removes builders whose names start with prefix (what a bench run made), so nothing outlives it. */
export async function removeBuilders(prefix) {
  const listed = await run('docker', ['buildx', 'ls', '--format', '{{.Name}}'], { timeoutMs: 30_000 })
  const names = [...new Set(listed.stdout.split('\n').map(n => n.trim()))].filter(n => n.startsWith(prefix))
  const removed = []
  // The list also holds node names (builder name + "0"); removing those fails harmlessly.
  for (const name of names) {
    const result = await run('docker', ['buildx', 'rm', '--force', name], { timeoutMs: 60_000 })
    if (result.code === 0) removed.push(name)
  }
  return removed
}

export { sleep }

/** Other work on this machine that would skew a figure: a test run (jest) or a busy CPU; '' when quiet. */
export async function busyReason() {
  const listed = await run('ps', ['-eo', 'pid=,args='], { timeoutMs: 10_000 })
  const tests = listed.stdout
    .split('\n')
    .filter(line => /\bjest\b/.test(line) && !line.includes(String(process.pid)))
  if (tests.length > 0) return `a test run is in progress (${tests[0].trim().slice(0, 80)})`
  const [one] = loadavg()
  return one >= 0.6 ? `load average ${one.toFixed(2)}` : ''
}

/**
 * Waits (polling every 10 s, at most $BENCH_QUIET_WAIT_S, default 300 s) until no test run is in progress and
 * the 1-minute load average is under 0.6. Returns '' when quiet, else why it went on anyway.
 */
export async function waitQuiet(log) {
  const limitMs = intFromEnv('BENCH_QUIET_WAIT_S', 300, 0) * 1000
  const until = Date.now() + limitMs
  let reason = await busyReason()
  while (reason && Date.now() < until) {
    log(`waiting for a quiet machine: ${reason}`)
    await sleep(10_000)
    reason = await busyReason()
  }
  if (reason) log(`going on although the machine is not quiet: ${reason}`)
  return reason
}

/**
 * Makes the disk look like a fresh runner's before a run ($BENCH_SETTLE: `drop`, the default, or `none`): writes
 * out what is dirty and drops the clean page cache. Why: on an ext4 without a journal (this VM's), every new file
 * skips the inodes freed in the last one to six minutes, one lookup each, so a run right after another's builder
 * removal (tens of thousands of files) pays seconds for each image unpack. bench/deleted-inodes.sh measures it.
 * A throwaway runner has no such removal before its job. Needs root; returns what was done, for the results.
 */
export function settleDisk() {
  if ((process.env.BENCH_SETTLE ?? 'drop') === 'none') return { done: false, why: 'BENCH_SETTLE=none' }
  try {
    execFileSync('sync', [], { stdio: 'ignore', timeout: 120_000 })
    writeFileSync('/proc/sys/vm/drop_caches', '1')
    return { done: true }
  } catch (error) {
    return { done: false, why: `dropping the page cache failed: ${String(error.message).split('\n')[0]}` }
  }
}

/** Calls attempt() up to `tries` times, 10 s apart, for failures another process on the machine can cause. */
export async function retrying(label, tries, attempt, log) {
  for (let i = 1; ; i++) {
    try {
      return await attempt()
    } catch (error) {
      if (i >= tries) throw error
      log(
        `${label} failed (try ${i}/${tries}), trying again in 10 s: ${String(error.message).split('\n').slice(0, 3).join(' ')}`
      )
      await sleep(10_000)
    }
  }
}

/** One progress line per round: each variant's figure (ms) or "failed", the order they ran in, and the load. */
export function roundLine(context, label, result, variants, figure, order, busy) {
  return (
    `${basename(context)} round ${label}: ` +
    variants.map(v => `${v} ${result[v] ? `${fmt(figure(result[v]), 0)} ms` : 'failed'}`).join(', ') +
    ` (${order.join(' → ')}; load ${result.load.toFixed(2)}${busy ? `; ${busy}` : ''})`
  )
}

/** README's command for removing every warm builder (in the buildx store BUILDX_CONFIG names). */
export const REMOVE_WARM =
  "docker buildx ls --format '{{.Name}}' | grep -E '^mpb-warm-[0-9a-f]{16}$' | xargs -r -n1 docker buildx rm --"
