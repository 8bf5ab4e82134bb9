// Signing on the real stack: the same two-platform build of examples/multi-arch, unsigned and signed with a cosign
// key (offline: no transparency log), alternating which goes first, N rounds after one warmup pair. Each run on a
// new builder, pushed to the stack's registry; every signed run is checked to have signed, every unsigned one not.
// Prints a markdown table of medians: main + post, the two signing phases (cosign made ready and the key read
// before the build; the signatures after the push), and the ratio signed / unsigned.
//
//   node bench/sign.mjs                # N=5
//   BENCH_SIGN_N=9 node bench/sign.mjs
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction } from './lib/action.mjs'
import { fmt, intFromEnv, median, removeBuilders, retrying, run, table } from './lib/common.mjs'
import { loadNote, runScript, stackBench, startOnStack } from './lib/stack-bench.mjs'

const N = intFromEnv('BENCH_SIGN_N', 5)
const BUDGET_MS = intFromEnv('BENCH_SIGN_BUDGET_S', 1200) * 1000
const { log, stack, PUSH, MIRROR, runId, PREFIX } = stackBench('sign')
/** The stack's cosign (stack/up builds it for the full stack), or one built beside it with `go install`. */
const COSIGN = [stack.STACK_COSIGN, '/var/tmp/cosign-try/bin/cosign'].find(path => path && existsSync(path))

/** How long the group of that title took in the step's log: its ::group:: line to the next ::endgroup::. */
function groupMs(result, title) {
  const start = result.lines.findIndex(({ line }) => line === `::group::${title}`)
  if (start < 0) return NaN
  const end = result.lines.findIndex(({ line }, index) => index > start && line === '::endgroup::')
  return end < 0 ? NaN : result.lines[end].at - result.lines[start].at
}

async function build(bundle, kind, i, keys) {
  const signing =
    kind === 'signed' ? { sign: 'true', 'sign-key': keys.key, 'sign-key-password': keys.password } : {}
  const result = await runAction({
    bundle,
    inputs: {
      context: 'examples/multi-arch',
      platforms: 'linux/amd64,linux/arm64',
      'registry-mirrors': `http://${MIRROR}`,
      tags: `${PUSH}/bench/sign-${kind}:${runId}-${i}`,
      'builder-name': `${PREFIX}-${kind}-${i}`,
      ...signing
    },
    env: { PATH: `${keys.bin}:${process.env.PATH}` },
    timeoutMs: 600_000
  })
  if (!result.ok)
    throw new Error(
      `${kind} run ${i} failed:\n${result.errors.join('\n')}\n${result.main.stdout.slice(-3000)}`
    )
  if (result.outputs.signed !== (kind === 'signed' ? 'true' : 'false'))
    throw new Error(`${kind} run ${i}: signed output is ${result.outputs.signed}`)
  return {
    totalMs: result.totalMs,
    readyMs: groupMs(result, 'Signing: cosign'),
    signMs: groupMs(result, 'Signing')
  }
}

/** A key pair of this run's own, and a PATH entry that holds cosign (the runner's cosign, as the action finds it). */
async function keyPair() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sign-'))
  const password = `bench-${runId}-pw`
  const made = await run(COSIGN, ['generate-key-pair'], {
    cwd: dir,
    env: { ...process.env, COSIGN_PASSWORD: password }
  })
  if (made.code !== 0) throw new Error(`cosign generate-key-pair failed: ${made.stderr}`)
  mkdirSync(join(dir, 'bin'))
  symlinkSync(COSIGN, join(dir, 'bin', 'cosign'))
  return { dir, bin: join(dir, 'bin'), key: readFileSync(join(dir, 'cosign.key'), 'utf8'), password }
}

async function main() {
  if (!COSIGN) {
    console.error('No cosign: run "bash stack/up" (it builds cosign into STACK_COSIGN).')
    process.exit(2)
  }
  const start = await startOnStack({ PUSH, MIRROR, log })
  const { dist, node } = start
  const keys = await keyPair()
  const cosignVersion = (await run(COSIGN, ['version'])).stdout.match(/GitVersion:\s*(\S+)/)?.[1] ?? '?'
  const deadline = Date.now() + BUDGET_MS
  const rounds = []
  try {
    // Round 0 warms the mirror, the BuildKit image and the page cache; it is not counted.
    for (let i = 0; i <= N && Date.now() < deadline; i++) {
      const order = i % 2 === 0 ? ['unsigned', 'signed'] : ['signed', 'unsigned']
      const round = {}
      for (const kind of order) {
        round[kind] = await retrying(`${kind} ${i}`, 2, () => build(dist.bundle, kind, i, keys), log)
        log(`round ${i}/${N} ${kind}: ${fmt(round[kind].totalMs, 0)} ms`)
      }
      if (i > 0) rounds.push(round)
    }
  } finally {
    const left = await removeBuilders(PREFIX)
    if (left.length > 0) log(`removed leftover builders: ${left.join(', ')}`)
    rmSync(keys.dir, { recursive: true, force: true })
    dist.cleanup()
  }
  const med = (kind, key) => median(rounds.map(r => r[kind][key]))
  const ratios = rounds.map(r => r.signed.totalMs / r.unsigned.totalMs)
  const out = []
  out.push(`### Signing with a key, offline (medians of N=${rounds.length} alternating pairs)`)
  out.push('')
  out.push(
    `\`examples/multi-arch\` for linux/amd64,linux/arm64 through the stack's mirror, pushed to ${PUSH}, a new ` +
      `builder each run; signed: \`sign: true\` with a cosign key (cosign ${cosignVersion} on PATH), which signs ` +
      `the index digest once. Action on Node ${node}, bundle ${dist.id}.`
  )
  out.push('')
  out.push(
    table(
      ['run', '>main + post (ms)', '>cosign ready + key read (ms)', '>signing after the push (ms)'],
      [
        ['unsigned', fmt(med('unsigned', 'totalMs'), 0), '-', '-'],
        [
          'signed',
          fmt(med('signed', 'totalMs'), 0),
          fmt(med('signed', 'readyMs'), 0),
          fmt(med('signed', 'signMs'), 0)
        ]
      ]
    )
  )
  out.push('')
  out.push(
    `Signed / unsigned: **${fmt(median(ratios), 2)}** (median of per-round ratios: ` +
      `${ratios.map(r => fmt(r, 2)).join(', ')}); ` +
      `${fmt(med('signed', 'totalMs') - med('unsigned', 'totalMs'), 0)} ms more per run (difference of medians). ` +
      loadNote(start)
  )
  console.log(out.join('\n'))
}

runScript(main, PREFIX)
