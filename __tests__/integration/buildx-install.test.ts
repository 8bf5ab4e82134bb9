import { build } from 'esbuild'
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { createServer, Server } from 'node:http'
import { AddressInfo } from 'node:net'
import { arch, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { buildxDownloadUrl, checksumUrl } from '../../src/model/buildx-release'
import { leakedLines } from '../support/run-action'

// The edge module runs in a child process (its @actions imports are ESM-only), bundled here with esbuild the
// way scripts/bundle.mjs bundles the action, against a fake release server on 127.0.0.1.

const ROOT = resolve(__dirname, '../..')
const RUNNER = join(ROOT, '__tests__/fixtures/buildx-install-runner.mjs')
const RUN_TIMEOUT_MS = 30_000

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex')
const fakeBuildx = (version: string): string =>
  `#!/bin/sh\necho "github.com/docker/buildx v${version} fake"\n`

/**
 * What the fake server publishes: 9.9.9 is right, 9.9.8 lies, 9.9.7 has no checksums, 9.9.6 nothing, and
 * 9.9.5 a checksums.txt that lists another platform only.
 */
const RELEASES: Record<
  string,
  { binary: boolean; checksums?: (fileName: string, binary: string) => string }
> = {
  '9.9.9': {
    binary: true,
    checksums: (fileName, binary) =>
      `${sha256('other')} *buildx-v9.9.9.darwin-arm64\n${sha256(binary)} *${fileName}\n`
  },
  '9.9.8': { binary: true, checksums: fileName => `${'0'.repeat(64)}  ${fileName}\n` },
  '9.9.7': { binary: true },
  '9.9.6': { binary: false },
  '9.9.5': { binary: true, checksums: () => `${sha256('other')} *buildx-v9.9.5.darwin-arm64\n` }
}

interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  result?: {
    install?: { path: string; source: string }
    use?: { env: Record<string, string>; pluginPath: string; changed: boolean }
    removed?: boolean
  }
}

describe('installBuildx and useBuildxPlugin (bundled, in a child process)', () => {
  let work: string
  let bundle: string
  let server: Server
  let base: string
  const requests: string[] = []
  /** The Authorization header of each request, '' where there was none. */
  const authorizations: string[] = []

  const template = (): string => `${base}/{version}/buildx-{version}.{os}-{arch}{ext}`
  const binaryUrl = (version: string): string =>
    buildxDownloadUrl(template(), version, process.platform, process.arch)
  const fileName = (version: string): string => binaryUrl(version).split('/').pop() as string

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'buildx-install-'))
    bundle = join(work, 'bundle', 'buildx-install.mjs')
    await build({
      entryPoints: [join(ROOT, 'src/run/builder/buildx-install.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      logLevel: 'error',
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
      }
    })
    server = createServer((request, response) => {
      const path = request.url ?? ''
      requests.push(path)
      authorizations.push(request.headers.authorization ?? '')
      const match = /^\/v([^/]+)\/(.+)$/.exec(path)
      const release = match ? RELEASES[match[1]] : undefined
      if (match && release) {
        const version = match[1]
        const binary = fakeBuildx(version)
        if (release.binary && match[2] === fileName(version)) return void response.end(binary)
        if (release.checksums && match[2] === 'checksums.txt') {
          return void response.end(release.checksums(fileName(version), binary))
        }
      }
      response.statusCode = 404
      response.end('not found')
    })
    await new Promise<void>(resolvePromise => server.listen(0, '127.0.0.1', resolvePromise))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }, 60_000)

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise(resolvePromise => server.close(resolvePromise))
    rmSync(work, { recursive: true, force: true })
  })

  /** A runner's directories: tool cache, temp, home and docker config, each new unless given. */
  function runnerDirs(toolCache?: string) {
    const dir = mkdtempSync(join(work, 'runner-'))
    const dirs = {
      toolCache: toolCache ?? join(dir, 'tool-cache'),
      temp: join(dir, 'temp'),
      home: join(dir, 'home'),
      dockerConfig: join(dir, 'home', '.docker')
    }
    for (const path of Object.values(dirs)) mkdirSync(path, { recursive: true })
    return dirs
  }

  function run(
    dirs: ReturnType<typeof runnerDirs>,
    request: {
      version?: string
      use?: boolean
      remove?: boolean
      skipVerification?: boolean
      urlTemplate?: string
      env?: Record<string, string>
    }
  ): Promise<RunResult> {
    const body = {
      install: {
        version: request.version ?? '9.9.9',
        urlTemplate: request.urlTemplate ?? template(),
        skipVerification: request.skipVerification
      },
      use: request.use,
      remove: request.remove
    }
    // A minimal environment: no proxy variables, and HOME and DOCKER_CONFIG of the test's own.
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dirs.home,
      DOCKER_CONFIG: dirs.dockerConfig,
      RUNNER_TOOL_CACHE: dirs.toolCache,
      RUNNER_TEMP: dirs.temp,
      ...request.env
    }
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [RUNNER, bundle, JSON.stringify(body)], {
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', chunk => (stdout += chunk))
      child.stderr.on('data', chunk => (stderr += chunk))
      const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS)
      child.on('error', reject)
      child.on('close', code => {
        clearTimeout(timer)
        const line = stdout.split('\n').find(l => l.startsWith('RESULT '))
        resolvePromise({ code, stdout, stderr, result: line ? JSON.parse(line.slice(7)) : undefined })
      })
    })
  }

  const cacheDir = (toolCache: string, version: string): string =>
    join(toolCache, 'docker-buildx', version, arch())
  const versionOf = (binary: string): string => execFileSync(binary, ['version'], { encoding: 'utf8' }).trim()

  // Each test has its own runner folders, so neither depends on the other having run first (jest --randomize).
  describe('with a shared tool cache', () => {
    it(
      'downloads the binary and checksums.txt, verifies and caches an executable buildx',
      async () => {
        const shared = runnerDirs()
        requests.length = 0
        const run1 = await run(shared, {})
        expect(run1.stderr).toBe('')
        expect(run1.code).toBe(0)
        expect(requests).toEqual([new URL(binaryUrl('9.9.9')).pathname, '/v9.9.9/checksums.txt'])
        expect(run1.result?.install).toEqual({
          path: cacheDir(shared.toolCache, '9.9.9'),
          source: 'downloaded'
        })
        const binary = join(cacheDir(shared.toolCache, '9.9.9'), 'docker-buildx')
        expect(statSync(binary).mode & 0o111).toBe(0o111)
        expect(versionOf(binary)).toBe('github.com/docker/buildx v9.9.9 fake')
        expect(run1.stdout).toContain(
          `sha256 ${sha256(fakeBuildx('9.9.9'))} matches ${base}/v9.9.9/checksums.txt`
        )
        expect(readdirSync(shared.temp)).toEqual([])
      },
      RUN_TIMEOUT_MS + 5_000
    )

    it(
      'uses the tool cache on the second run once checksums.txt, fetched again, vouches for it',
      async () => {
        const shared = runnerDirs()
        expect((await run(shared, {})).code).toBe(0)
        requests.length = 0
        const run2 = await run(shared, {})
        expect(run2.stderr).toBe('')
        expect(run2.code).toBe(0)
        expect(requests).toEqual(['/v9.9.9/checksums.txt'])
        expect(run2.result?.install).toEqual({
          path: cacheDir(shared.toolCache, '9.9.9'),
          source: 'tool-cache'
        })
        const binary = join(cacheDir(shared.toolCache, '9.9.9'), 'docker-buildx')
        expect(run2.stdout).toContain(
          `sha256 ${sha256(fakeBuildx('9.9.9'))} of ${binary} matches ${base}/v9.9.9/checksums.txt`
        )
        expect(run2.stdout).toContain('Using buildx 9.9.9 from the tool cache')
        expect(run2.stdout).not.toContain('::warning::')
      },
      RUN_TIMEOUT_MS + 5_000
    )
  })

  describe('with a user and password in the URL', () => {
    const PASSWORD = 'S3cret/Pw'
    const withPassword = (): string =>
      template().replace('http://', `http://dl-user:${encodeURIComponent(PASSWORD)}@`)

    it(
      'sends them as an Authorization header to the binary and checksums.txt, and prints them nowhere',
      async () => {
        requests.length = 0
        authorizations.length = 0
        const result = await run(runnerDirs(), { urlTemplate: withPassword() })
        expect(result.code).toBe(0)
        expect(requests).toEqual([new URL(binaryUrl('9.9.9')).pathname, '/v9.9.9/checksums.txt'])
        const basic = `Basic ${Buffer.from(`dl-user:${PASSWORD}`).toString('base64')}`
        expect(authorizations).toEqual([basic, basic])
        // @actions/tool-cache prints the URL it is given in a ::debug:: line, which is on stdout here.
        const streams = { main: result, outputs: {}, state: {}, summary: '' }
        expect(leakedLines(streams, [PASSWORD, encodeURIComponent(PASSWORD), basic])).toEqual([])
        expect(result.stdout).toContain(`::debug::Downloading ${binaryUrl('9.9.9')}`)
      },
      RUN_TIMEOUT_MS + 5_000
    )

    it(
      'sends nothing over https when NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate checks off',
      async () => {
        requests.length = 0
        const result = await run(runnerDirs(), {
          urlTemplate: 'https://dl-user:S3cretPw@127.0.0.1:9/{version}/buildx-{version}.{os}-{arch}{ext}',
          env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' }
        })
        expect(result.code).toBe(1)
        expect(result.stderr).toContain(
          'Input "buildx-download-url": its user and password are sent only over https with a checked ' +
            'certificate, but NODE_TLS_REJECT_UNAUTHORIZED=0'
        )
        expect(result.stdout + result.stderr).not.toContain('S3cretPw')
      },
      RUN_TIMEOUT_MS + 5_000
    )
  })

  it(
    'fails on a checksum mismatch, naming the URL and both digests, and caches nothing',
    async () => {
      const dirs = runnerDirs()
      const result = await run(dirs, { version: '9.9.8' })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`Checksum mismatch for ${binaryUrl('9.9.8')}`)
      expect(result.stderr).toContain(checksumUrl(binaryUrl('9.9.8')))
      expect(result.stderr).toContain(`lists sha256 ${'0'.repeat(64)}`)
      expect(result.stderr).toContain(`the downloaded file has sha256 ${sha256(fakeBuildx('9.9.8'))}`)
      expect(existsSync(`${cacheDir(dirs.toolCache, '9.9.8')}.complete`)).toBe(false)
      expect(readdirSync(dirs.temp)).toEqual([])
    },
    RUN_TIMEOUT_MS + 5_000
  )

  it(
    'fails naming buildx-download-url when no checksums.txt is published (404), and caches nothing',
    async () => {
      const dirs = runnerDirs()
      requests.length = 0
      const result = await run(dirs, { version: '9.9.7' })
      expect(result.code).toBe(1)
      expect(requests).toEqual([new URL(binaryUrl('9.9.7')).pathname, '/v9.9.7/checksums.txt'])
      expect(result.stderr).toContain(
        `Input "buildx-download-url": cannot verify the buildx downloaded from ${binaryUrl('9.9.7')}: ` +
          `there is no checksums.txt at ${base}/v9.9.7/checksums.txt (HTTP 404). ` +
          `Publish checksums.txt (sha256sum output that lists ${fileName('9.9.7')}) beside the binary, ` +
          'as buildx releases do.'
      )
      expect(result.stdout).not.toContain('RESULT')
      expect(existsSync(`${cacheDir(dirs.toolCache, '9.9.7')}.complete`)).toBe(false)
      expect(readdirSync(dirs.temp)).toEqual([])
    },
    RUN_TIMEOUT_MS + 5_000
  )

  it(
    'fails naming buildx-download-url when checksums.txt does not list the file, and caches nothing',
    async () => {
      const dirs = runnerDirs()
      requests.length = 0
      const result = await run(dirs, { version: '9.9.5' })
      expect(result.code).toBe(1)
      expect(requests).toEqual([new URL(binaryUrl('9.9.5')).pathname, '/v9.9.5/checksums.txt'])
      expect(result.stderr).toContain(
        `Input "buildx-download-url": cannot verify the buildx downloaded from ${binaryUrl('9.9.5')}: ` +
          `${base}/v9.9.5/checksums.txt does not list ${fileName('9.9.5')}.`
      )
      expect(existsSync(`${cacheDir(dirs.toolCache, '9.9.5')}.complete`)).toBe(false)
      expect(readdirSync(dirs.temp)).toEqual([])
    },
    RUN_TIMEOUT_MS + 5_000
  )

  it.each([
    ['no checksums.txt (404)', '9.9.7', 'there is no checksums.txt at'],
    ['a checksums.txt without the file', '9.9.5', 'checksums.txt does not list']
  ])(
    'installs with buildx-skip-verification and %s, warning that it is unverified',
    async (_case, version, reason) => {
      const dirs = runnerDirs()
      const result = await run(dirs, { version, skipVerification: true })
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      const warnings = result.stdout.split('\n').filter(line => line.startsWith('::warning::'))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain(
        `::warning::buildx-skip-verification is true: running the buildx downloaded from ${binaryUrl(version)} UNVERIFIED, because `
      )
      expect(warnings[0]).toContain(reason)
      expect(result.result?.install?.source).toBe('downloaded')
      expect(versionOf(join(cacheDir(dirs.toolCache, version), 'docker-buildx'))).toContain(`v${version}`)
    },
    RUN_TIMEOUT_MS + 5_000
  )

  it(
    'still refuses a checksum mismatch with buildx-skip-verification',
    async () => {
      const dirs = runnerDirs()
      const result = await run(dirs, { version: '9.9.8', skipVerification: true })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`Checksum mismatch for ${binaryUrl('9.9.8')}`)
      expect(existsSync(`${cacheDir(dirs.toolCache, '9.9.8')}.complete`)).toBe(false)
    },
    RUN_TIMEOUT_MS + 5_000
  )

  describe('a tool cache entry that this action did not make (a persistent cache on a self-hosted runner)', () => {
    /** Puts file content (or a symlink to target) where tc.find looks, with the .complete marker. */
    function plant(toolCache: string, version: string, content: { data?: string; linkTo?: string }): string {
      const entry = cacheDir(toolCache, version)
      mkdirSync(entry, { recursive: true })
      writeFileSync(`${entry}.complete`, '')
      const file = join(entry, 'docker-buildx')
      if (content.linkTo !== undefined) symlinkSync(content.linkTo, file)
      else writeFileSync(file, content.data ?? '', { mode: 0o755 })
      return file
    }
    /** Something the user keeps beside and outside the tool cache's docker-buildx folder. */
    function bystanders(dirs: ReturnType<typeof runnerDirs>): string[] {
      const other = plant(dirs.toolCache, '1.2.3', { data: fakeBuildx('1.2.3') })
      const outside = join(dirs.toolCache, 'other-tool', 'keep.txt')
      mkdirSync(dirname(outside), { recursive: true })
      writeFileSync(outside, 'keep')
      return [other, `${cacheDir(dirs.toolCache, '1.2.3')}.complete`, outside]
    }

    it(
      'refuses a tampered binary after fetching only checksums.txt, and removes just that entry',
      async () => {
        const dirs = runnerDirs()
        const keep = bystanders(dirs)
        const file = plant(dirs.toolCache, '9.9.9', { data: fakeBuildx('6.6.6') })
        requests.length = 0
        const result = await run(dirs, {})
        expect(result.code).toBe(1)
        expect(requests).toEqual(['/v9.9.9/checksums.txt'])
        expect(result.stderr).toContain(
          `The tool cache copy at ${file} does not match ${base}/v9.9.9/checksums.txt: that lists sha256 ` +
            `${sha256(fakeBuildx('9.9.9'))} for ${fileName('9.9.9')}, the copy has sha256 ${sha256(fakeBuildx('6.6.6'))}.`
        )
        expect(result.stderr).toContain(
          'It was removed from the tool cache: the next run downloads buildx again.'
        )
        expect(existsSync(cacheDir(dirs.toolCache, '9.9.9'))).toBe(false)
        expect(existsSync(`${cacheDir(dirs.toolCache, '9.9.9')}.complete`)).toBe(false)
        for (const path of keep) expect({ path, kept: existsSync(path) }).toEqual({ path, kept: true })
      },
      RUN_TIMEOUT_MS + 5_000
    )

    it(
      'refuses a tampered binary with buildx-skip-verification too',
      async () => {
        const dirs = runnerDirs()
        const file = plant(dirs.toolCache, '9.9.9', { data: fakeBuildx('6.6.6') })
        const result = await run(dirs, { skipVerification: true })
        expect(result.code).toBe(1)
        expect(result.stderr).toContain(`The tool cache copy at ${file} does not match`)
      },
      RUN_TIMEOUT_MS + 5_000
    )

    it(
      'refuses a symlink, even to a matching binary, before any request, and leaves its target alone',
      async () => {
        const dirs = runnerDirs()
        const target = join(dirs.home, 'buildx-elsewhere')
        writeFileSync(target, fakeBuildx('9.9.9'), { mode: 0o755 })
        const file = plant(dirs.toolCache, '9.9.9', { linkTo: target })
        requests.length = 0
        const result = await run(dirs, {})
        expect(result.code).toBe(1)
        expect(requests).toEqual([])
        expect(result.stderr).toContain(`The tool cache copy at ${file} is refused: it is a symbolic link.`)
        expect(lstatSync(cacheDir(dirs.toolCache, '9.9.9'), { throwIfNoEntry: false })).toBeUndefined()
        expect(readFileSync(target, 'utf8')).toBe(fakeBuildx('9.9.9'))
      },
      RUN_TIMEOUT_MS + 5_000
    )

    it(
      'refuses a version folder that is a symlink out of the tool cache, and removes nothing',
      async () => {
        const dirs = runnerDirs()
        const elsewhere = join(dirs.home, 'planted-version')
        const good = join(elsewhere, arch(), 'docker-buildx')
        mkdirSync(dirname(good), { recursive: true })
        writeFileSync(good, fakeBuildx('9.9.9'), { mode: 0o755 })
        writeFileSync(`${dirname(good)}.complete`, '')
        mkdirSync(join(dirs.toolCache, 'docker-buildx'), { recursive: true })
        const versionDir = join(dirs.toolCache, 'docker-buildx', '9.9.9')
        symlinkSync(elsewhere, versionDir)
        requests.length = 0
        const result = await run(dirs, {})
        expect(result.code).toBe(1)
        expect(requests).toEqual([])
        expect(result.stderr).toContain(`${versionDir} is a symbolic link`)
        expect(result.stderr).toContain('Left in place')
        expect(readFileSync(good, 'utf8')).toBe(fakeBuildx('9.9.9'))
        expect(existsSync(`${dirname(good)}.complete`)).toBe(true)
        expect(lstatSync(versionDir).isSymbolicLink()).toBe(true)
      },
      RUN_TIMEOUT_MS + 5_000
    )

    it(
      'fails naming buildx-download-url when checksums.txt is gone, rather than trust the cached copy',
      async () => {
        const dirs = runnerDirs()
        const file = plant(dirs.toolCache, '9.9.7', { data: fakeBuildx('9.9.7') })
        requests.length = 0
        const result = await run(dirs, { version: '9.9.7' })
        expect(result.code).toBe(1)
        expect(requests).toEqual(['/v9.9.7/checksums.txt'])
        expect(result.stderr).toContain(
          `Input "buildx-download-url": cannot verify the tool cache copy at ${file}: there is no checksums.txt at ${base}/v9.9.7/checksums.txt (HTTP 404).`
        )
        // Nothing says the copy is wrong, so it stays.
        expect(readFileSync(file, 'utf8')).toBe(fakeBuildx('9.9.7'))
      },
      RUN_TIMEOUT_MS + 5_000
    )

    it(
      'uses an unverifiable cached copy with buildx-skip-verification, warning each run',
      async () => {
        const dirs = runnerDirs()
        const file = plant(dirs.toolCache, '9.9.7', { data: fakeBuildx('9.9.7') })
        for (let attempt = 0; attempt < 2; attempt++) {
          requests.length = 0
          const result = await run(dirs, { version: '9.9.7', skipVerification: true })
          expect(result.code).toBe(0)
          expect(requests).toEqual(['/v9.9.7/checksums.txt'])
          expect(result.result?.install).toEqual({
            path: cacheDir(dirs.toolCache, '9.9.7'),
            source: 'tool-cache'
          })
          expect(result.stdout).toContain(
            `::warning::buildx-skip-verification is true: running the tool cache copy at ${file} UNVERIFIED, because there is no checksums.txt at ${base}/v9.9.7/checksums.txt (HTTP 404).`
          )
        }
      },
      2 * RUN_TIMEOUT_MS + 5_000
    )
  })

  it(
    'fails without retrying when the binary is not there, naming the URL',
    async () => {
      const dirs = runnerDirs()
      requests.length = 0
      const result = await run(dirs, { version: '9.9.6' })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain(`Downloading buildx from ${binaryUrl('9.9.6')} failed`)
      expect(result.stderr).toContain('404')
      expect(requests).toHaveLength(1)
    },
    RUN_TIMEOUT_MS + 5_000
  )

  describe('useBuildxPlugin', () => {
    it(
      'links $DOCKER_CONFIG/cli-plugins/docker-buildx to the cached buildx once, and removes it again',
      async () => {
        const dirs = runnerDirs()
        const first = await run(dirs, { use: true })
        expect(first.stderr).toBe('')
        const pluginPath = join(dirs.dockerConfig, 'cli-plugins', 'docker-buildx')
        const target = join(cacheDir(dirs.toolCache, '9.9.9'), 'docker-buildx')
        expect(first.result?.use).toEqual({ env: {}, pluginPath, changed: true })
        expect(readlinkSync(pluginPath)).toBe(target)
        expect(versionOf(pluginPath)).toBe('github.com/docker/buildx v9.9.9 fake')

        const second = await run(dirs, { use: true, remove: true })
        expect(second.result?.use).toEqual({ env: {}, pluginPath, changed: false })
        expect(second.result?.removed).toBe(true)
        expect(existsSync(pluginPath)).toBe(false)
      },
      2 * RUN_TIMEOUT_MS + 5_000
    )

    it(
      'replaces a link left by an earlier run to another cached version',
      async () => {
        const dirs = runnerDirs()
        const pluginsDir = join(dirs.dockerConfig, 'cli-plugins')
        mkdirSync(pluginsDir, { recursive: true })
        symlinkSync(
          join(cacheDir(dirs.toolCache, '0.12.1'), 'docker-buildx'),
          join(pluginsDir, 'docker-buildx')
        )
        const result = await run(dirs, { use: true })
        expect(result.code).toBe(0)
        expect(result.result?.use?.changed).toBe(true)
        expect(readlinkSync(join(pluginsDir, 'docker-buildx'))).toBe(
          join(cacheDir(dirs.toolCache, '9.9.9'), 'docker-buildx')
        )
      },
      RUN_TIMEOUT_MS + 5_000
    )

    it(
      "refuses to replace the user's own plugin and says what to do",
      async () => {
        const dirs = runnerDirs()
        const pluginPath = join(dirs.dockerConfig, 'cli-plugins', 'docker-buildx')
        mkdirSync(join(dirs.dockerConfig, 'cli-plugins'), { recursive: true })
        writeFileSync(pluginPath, fakeBuildx('0.12.1'), { mode: 0o755 })
        const result = await run(dirs, { use: true })
        expect(result.code).toBe(1)
        expect(result.stderr).toContain(
          `${pluginPath} holds a buildx plugin that this action did not install`
        )
        expect(result.stderr).toContain(
          `ln -sf ${join(cacheDir(dirs.toolCache, '9.9.9'), 'docker-buildx')} ${pluginPath}`
        )
        expect(lstatSync(pluginPath).isSymbolicLink()).toBe(false)
        expect(readFileSync(pluginPath, 'utf8')).toBe(fakeBuildx('0.12.1'))
      },
      RUN_TIMEOUT_MS + 5_000
    )
  })
})
