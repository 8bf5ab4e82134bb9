import { reset } from './doubles/actions-core'

/**
 * Effectful modules run in-process with @actions/core and @actions/exec replaced by recording doubles
 * (jest.config.cjs): the docker runner is injected per test and every call is recorded.
 */

/** What `docker buildx inspect` prints for a running builder with two platforms. */
export const INSPECT =
  'Name: b\nDriver: docker-container\n\nNodes:\nName: b0\nEndpoint: unix:///var/run/docker.sock\nStatus: running\nPlatforms: linux/amd64*, linux/arm64\n'

/** Everything written to stdout in a test: the job log as the runner would read it. */
let written: string[] = []
let stdout: jest.SpyInstance

/** For each test of the describe it is called in: the doubles cleared, and stdout captured instead of printed. */
export function runInProcess(): void {
  beforeEach(() => {
    reset()
    written = []
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written.push(String(chunk))
      return true
    })
  })
  afterEach(() => stdout.mockRestore())
}

/** What the running test has written to stdout. */
export const jobLog = (): string => written.join('')
