// Restricted network on the real stack: a dead first mirror (a loopback listener that accepts connections and
// never answers, closing each one after a hold time) ahead of the live Docker Hub mirror. Times the action
// (two platforms, push) with mirror-check warn, with mirror-check off, and with a clean config that has only
// the live mirror. N rounds of clean → warn, then off once (BuildKit waits on the silent mirror until the
// listener lets go, so that run is bounded by the hold time and killed at a hard timeout).
//
//   node bench/mirror.mjs                  # N=3, hold 30 s, hard timeout 300 s
//   BENCH_MIRROR_N=5 BENCH_MIRROR_HOLD_S=20 BENCH_MIRROR_TIMEOUT_S=240 node bench/mirror.mjs
import { createServer } from 'node:net'
import { clearTimeout, setTimeout } from 'node:timers'
import { runAction } from './lib/action.mjs'
import { fmt, intFromEnv, median, removeBuilders, retrying, table } from './lib/common.mjs'
import { loadNote, runScript, stackBench, startOnStack } from './lib/stack-bench.mjs'

const N = intFromEnv('BENCH_MIRROR_N', 3)
const HOLD_MS = intFromEnv('BENCH_MIRROR_HOLD_S', 30) * 1000
const TIMEOUT_MS = intFromEnv('BENCH_MIRROR_TIMEOUT_S', 300) * 1000
const { log, PUSH, MIRROR, runId, PREFIX } = stackBench('mirror')

/** Accepts on 127.0.0.1, reads and never answers; closes each connection after HOLD_MS. Counts connections. */
async function silentListener() {
  const sockets = new Set()
  const server = createServer(socket => {
    sockets.add(socket)
    server.accepted++
    socket.on('error', () => {})
    socket.resume()
    const timer = setTimeout(() => socket.destroy(), HOLD_MS)
    socket.on('close', () => {
      clearTimeout(timer)
      sockets.delete(socket)
    })
  })
  server.accepted = 0
  server.maxConnections = 256
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    accepted: () => server.accepted,
    close: () => {
      for (const socket of sockets) socket.destroy()
      server.close()
    }
  }
}

async function once(bundle, variant, dead, i) {
  const mirrors = variant === 'clean' ? `http://${MIRROR}` : `${dead.url}\nhttp://${MIRROR}`
  const before = dead.accepted()
  const result = await runAction({
    bundle,
    inputs: {
      context: 'examples/multi-arch',
      platforms: 'linux/amd64,linux/arm64',
      'registry-mirrors': mirrors,
      'mirror-check': variant === 'off' ? 'off' : 'warn',
      tags: `${PUSH}/bench/mirror:${runId}-${variant}-${i}`,
      'no-cache': 'true',
      'builder-name': `${PREFIX}-${variant}-${i}`
    },
    timeoutMs: variant === 'off' ? TIMEOUT_MS : 300_000
  })
  const timedOut = result.main.timedOut
  if (!result.ok && !timedOut) {
    throw new Error(
      `${variant} run ${i} failed:\n${result.errors.join('\n')}\n${result.main.stdout.slice(-3000)}`
    )
  }
  return {
    totalMs: result.totalMs,
    mainMs: result.main.wallMs,
    ok: result.ok,
    timedOut,
    connections: dead.accepted() - before,
    dropped: result.warnings.some(w => w.includes(dead.url.replace('http://', '')))
  }
}

async function main() {
  const start = await startOnStack({ PUSH, MIRROR, log })
  const { dist, node } = start
  const dead = await silentListener()
  const results = { clean: [], warn: [], off: [] }
  try {
    for (let i = 0; i < N; i++) {
      for (const variant of ['clean', 'warn']) {
        const r = await retrying(`${variant} ${i}`, 2, () => once(dist.bundle, variant, dead, i), log)
        log(
          `round ${i + 1}/${N} ${variant}: ${fmt(r.totalMs, 0)} ms, ${r.connections} connections to the dead mirror`
        )
        results[variant].push(r)
      }
    }
    log(`off: expect at least ${HOLD_MS / 1000} s (hard timeout ${TIMEOUT_MS / 1000} s)`)
    const r = await once(dist.bundle, 'off', dead, 0)
    log(
      `off: ${fmt(r.totalMs, 0)} ms, ${r.timedOut ? 'killed at the hard timeout' : 'finished'}, ${r.connections} connections`
    )
    results.off.push(r)
  } finally {
    dead.close()
    const left = await removeBuilders(PREFIX)
    if (left.length > 0) log(`removed leftover builders: ${left.join(', ')}`)
    dist.cleanup()
  }

  const med = (variant, key) => median(results[variant].map(r => r[key]))
  const clean = med('clean', 'totalMs')
  const row = (label, variant) => {
    const list = results[variant]
    const off = variant === 'off'
    const total = med(variant, 'totalMs')
    const outcome = list.every(r => r.ok)
      ? 'pushed'
      : list.some(r => r.timedOut)
        ? `killed at the ${TIMEOUT_MS / 1000} s timeout`
        : 'failed'
    return [
      label,
      String(list.length),
      off
        ? `${fmt(total / 1000, 1)} s (≥ ${HOLD_MS / 1000} s hold, bounded by the listener)`
        : fmt(total / 1000, 2) + ' s',
      fmt(total - clean, 0),
      fmt(med(variant, 'connections'), 0),
      outcome + (list.some(r => r.dropped) ? '; dead mirror dropped with a warning' : '')
    ]
  }
  const out = []
  out.push('### Restricted network: a dead first mirror (medians)')
  out.push('')
  out.push(
    `Mirrors: a loopback listener that accepts and never answers (closing each connection after ${HOLD_MS / 1000} s), ` +
      `then the live mirror http://${MIRROR}. Two platforms, \`examples/multi-arch\`, push to ${PUSH}, ` +
      `no cache, a new builder each run. Action on Node ${node}, bundle ${dist.id}.`
  )
  out.push('')
  out.push(
    table(
      ['config', '>N', '>main + post', '>over clean (ms)', '>connections to the dead mirror', 'outcome'],
      [
        row('clean: only the live mirror, mirror-check warn', 'clean'),
        row('dead + live, mirror-check warn', 'warn'),
        row('dead + live, mirror-check off', 'off')
      ]
    )
  )
  out.push('')
  out.push(loadNote(start))
  console.log(out.join('\n'))
}

runScript(main, PREFIX)
