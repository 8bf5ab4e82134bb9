// What the scripts that run the action on the real stack share: names, the start (stack up, quiet machine,
// a copy of dist/), the closing load-average line, and removing their builders when they fail.
import { loadavg } from 'node:os'
import { actionNode, snapshotDist } from './action.mjs'
import { answers, loadStack, removeBuilders, run, waitQuiet } from './common.mjs'

const loadText = () =>
  loadavg()
    .map(l => l.toFixed(2))
    .join(' ')

export function stackBench(name) {
  const stack = loadStack()
  const runId = Date.now().toString(36)
  return {
    log: (...args) => console.error(`[${name}]`, ...args),
    stack,
    PUSH: stack.STACK_PUSH_REGISTRY ?? '127.0.0.1:5000',
    MIRROR: stack.STACK_MIRROR ?? '127.0.0.1:5001',
    runId,
    PREFIX: `bench-${name}-${runId}`
  }
}

/** Exits 2 when the stack is down; else waits for a quiet machine and snapshots dist/ and the load. */
export async function startOnStack({ PUSH, MIRROR, log }) {
  if (!(await answers(`http://${PUSH}/v2/`)) || !(await answers(`http://${MIRROR}/v2/`))) {
    console.error(`The stack is not up (${PUSH}, ${MIRROR}): run "bash stack/up" first.`)
    process.exit(2)
  }
  const busy = await waitQuiet(log)
  const dist = snapshotDist()
  const node = (await run(actionNode(), ['--version'])).stdout.trim()
  return { busy, dist, node, loadBefore: loadText() }
}

export function loadNote({ busy, loadBefore }) {
  return (
    (busy ? `Not quiet at the start: ${busy}. ` : '') +
    `Load average ${loadBefore} before, ${loadText()} after.`
  )
}

export function runScript(main, prefix) {
  main().catch(async error => {
    console.error(error)
    await removeBuilders(prefix)
    process.exit(1)
  })
}
