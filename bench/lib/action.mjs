// Runs the bundled action as a runner does (main with INPUT_* variables, then post with the STATE_* main saved),
// timing each step, and keeps a snapshot of dist/ so a bench measures one bundle even while dist/ is rebuilt.
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { inputEnv, node24Path, runMainAndPost, runnerFiles } from '../../scripts/lib/runner.cjs'
import { cleanEnv, nowMs, ROOT, run } from './common.mjs'

/** The Node a step runs on: $BENCH_NODE, else the runner's node24 the tests install, else this one. */
export function actionNode() {
  if (process.env.BENCH_NODE) return process.env.BENCH_NODE
  const node24 = node24Path()
  return existsSync(node24) ? node24 : process.execPath
}

/** sha256 over dist/'s files (names and content), shortened: which bundle a table measured. */
export function fingerprint(dir) {
  const hash = createHash('sha256')
  const walk = d => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name)
    )) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else hash.update(relative(dir, path)).update('\0').update(readFileSync(path)).update('\0')
    }
  }
  walk(dir)
  return hash.digest('hex').slice(0, 12)
}

/**
 * $BENCH_DIST (a dist/ folder), else a private copy of dist/ taken now. Returns the bundle to run, its folder,
 * its fingerprint and a cleanup function.
 */
export function snapshotDist() {
  if (process.env.BENCH_DIST) {
    const dir = process.env.BENCH_DIST
    return { dir, bundle: join(dir, 'index.js'), id: fingerprint(dir), cleanup: () => {} }
  }
  const parent = mkdtempSync(join(tmpdir(), 'bench-dist-'))
  const dir = join(parent, 'dist')
  cpSync(join(ROOT, 'dist'), dir, { recursive: true })
  return {
    dir,
    bundle: join(dir, 'index.js'),
    id: fingerprint(dir),
    cleanup: () => rmSync(parent, { recursive: true, force: true })
  }
}

/**
 * main then post of `bundle` with these inputs. Returns per-step wall times, exit codes, output, outputs, and
 * the arrival time of every stdout line (for splitting main into phases by the `[command]docker …` lines).
 */
export async function runAction({ bundle, node = actionNode(), inputs, env = {}, timeoutMs = 600_000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-action-'))
  const runner = runnerFiles(dir)
  const baseEnv = cleanEnv({ ...runner.env, GITHUB_WORKSPACE: ROOT, ...inputEnv(inputs), ...env })
  const lines = []
  const onLine = (line, at) => lines.push({ line, at })
  const started = nowMs()
  const deadline = started + timeoutMs
  let postStarted
  const { main, post, outputs } = await runMainAndPost({
    env: baseEnv,
    files: runner.files,
    step: (stepEnv, which) => {
      if (which === 'main') return run(node, [bundle], { env: stepEnv, timeoutMs, onLine })
      postStarted = nowMs()
      // post runs even when main failed or timed out (post-if: always()), with at least a minute to clean up.
      return run(node, [bundle], {
        env: stepEnv,
        timeoutMs: Math.max(60_000, deadline - postStarted),
        onLine
      })
    }
  })
  rmSync(dir, { recursive: true, force: true })
  const errors = main.stdout
    .split('\n')
    .filter(l => l.startsWith('::error'))
    .map(l => l.replace(/%0A/g, '\n'))
  return {
    ok: main.code === 0 && post.code === 0 && errors.length === 0,
    started,
    totalMs: nowMs() - started,
    main,
    post,
    postStarted,
    lines,
    outputs,
    errors,
    warnings: main.stdout.split('\n').filter(l => l.startsWith('::warning'))
  }
}

/** When the first stdout line matching re arrived, or undefined. */
export function lineTime(result, re) {
  return result.lines.find(({ line }) => re.test(line))?.at
}
