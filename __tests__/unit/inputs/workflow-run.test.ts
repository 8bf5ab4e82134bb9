import { InputError } from '../../../src/model/input-error'
import { parseInputs } from '../../../src/inputs/parse'
import {
  envFlag,
  expandDefaultContext,
  parseEventPayload,
  workflowRun
} from '../../../src/inputs/workflow-run'
import { inputSource } from '../../support/inputs'
import { event, RUN_ENV, RUN_URL } from '../../support/workflow-run'

describe('the workflow run', () => {
  it('names the run attempt as the builder id, attempt 1 when the runner does not say', () => {
    expect(workflowRun(RUN_ENV, undefined).runUrl).toBe(RUN_URL)
    const firstAttempt = { ...RUN_ENV, GITHUB_RUN_ATTEMPT: '' }
    expect(
      workflowRun({ ...firstAttempt, GITHUB_SERVER_URL: 'https://ghe.example/' }, undefined).runUrl
    ).toBe('https://ghe.example/owner/app/actions/runs/1234/attempts/1')
  })
  it('has no run URL outside a workflow run (no repository or run id)', () => {
    expect(workflowRun({}, undefined).runUrl).toBe('')
    expect(workflowRun({ GITHUB_REPOSITORY: 'o/r' }, undefined).runUrl).toBe('')
    expect(workflowRun({ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1;x' }, undefined).runUrl).toBe('')
  })
  it.each([
    [event({ private: true }), true],
    [event({ private: false }), false],
    [event({ private: 'false' }), undefined],
    [event({}), undefined],
    ['{"repository": null}', undefined],
    ['[]', undefined],
    ['not json', undefined],
    [undefined, undefined]
  ])('reads repository.private of the event %s as %s', (payload, expected) => {
    expect(parseEventPayload(payload).repositoryPrivate).toBe(expected)
    expect(workflowRun(RUN_ENV, payload).repositoryPrivate).toBe(expected)
  })
})

describe('{{defaultContext}}', () => {
  it('is the workflow commit on the workflow server: GITHUB_SHA, the merge commit for a pull request', () => {
    expect(workflowRun(RUN_ENV, undefined).defaultContext).toBe(
      `https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}`
    )
  })
  it('falls back to the ref without a commit, with refs/heads/ added to a bare branch', () => {
    const noSha = { ...RUN_ENV, GITHUB_SHA: '' }
    expect(workflowRun(noSha, undefined).defaultContext).toBe(
      'https://git.example.com:3000/owner/app.git#refs/pull/7/merge'
    )
    expect(workflowRun({ ...noSha, GITHUB_REF: 'main' }, undefined).defaultContext).toBe(
      'https://git.example.com:3000/owner/app.git#refs/heads/main'
    )
  })
  it('is the pull request head commit with DOCKER_DEFAULT_GIT_CONTEXT_PR_HEAD_REF', () => {
    const head = 'b'.repeat(40)
    const payload = event({ private: false }, { pull_request: { head: { sha: head } } })
    const env = { ...RUN_ENV, DOCKER_DEFAULT_GIT_CONTEXT_PR_HEAD_REF: 'true' }
    expect(workflowRun(env, payload).defaultContext).toBe(
      `https://git.example.com:3000/owner/app.git#${head}`
    )
    expect(workflowRun(env, event({})).defaultContext).toBe(
      'https://git.example.com:3000/owner/app.git#refs/pull/7/head'
    )
    // Off for a push: the variable only changes pull requests.
    expect(workflowRun({ ...env, GITHUB_REF: 'refs/heads/main' }, payload).defaultContext).toBe(
      `https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}`
    )
  })
  it('expands in context with :subdir after the commit, with or without spaces in the braces', () => {
    const run = workflowRun(RUN_ENV, undefined)
    expect(expandDefaultContext('context', '{{defaultContext}}:docker/app', run)).toBe(
      `https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}:docker/app`
    )
    expect(expandDefaultContext('context', '{{ defaultContext }}', run)).toBe(run.defaultContext)
    expect(expandDefaultContext('context', './app', run)).toBe('./app')
  })
  it('refuses another placeholder, and the placeholder outside a workflow run, naming the input', () => {
    const run = workflowRun(RUN_ENV, undefined)
    expect(() => expandDefaultContext('context', '{{ github.sha }}', run)).toThrow(
      new InputError(
        'context',
        '{{ github.sha }}',
        '"{{github.sha}}" is not a known placeholder',
        'Use {{defaultContext}}, optionally followed by :subdir, e.g. "{{defaultContext}}:app".'
      )
    )
    expect(() =>
      expandDefaultContext('build-contexts', 'base={{defaultContext}}', workflowRun({}, undefined))
    ).toThrow(/^Input "build-contexts": \{\{defaultContext\}\} needs GITHUB_REPOSITORY/)
  })
  it('reaches context and build-contexts through parseInputs', () => {
    const inputs = parseInputs(
      inputSource(
        {
          tags: 'r.example/a',
          context: '{{defaultContext}}:app',
          'build-contexts': 'base={{defaultContext}}:base'
        },
        RUN_ENV
      )
    )
    expect(inputs.context).toBe(`https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}:app`)
    expect(inputs.build.buildContexts).toEqual([
      `base=https://git.example.com:3000/owner/app.git#${'a'.repeat(40)}:base`
    ])
  })
})

describe('environment switches of build-push-action', () => {
  it('refuses a value that is not a boolean, naming the variable and the fix', () => {
    expect(() => envFlag({ DOCKER_BUILD_SUMMARY: 'no' }, 'DOCKER_BUILD_SUMMARY', true)).toThrow(
      'Environment variable DOCKER_BUILD_SUMMARY: not a boolean (got "no"). Set it to true or false, or remove it.'
    )
    expect(envFlag({ X: 'no' }, 'X', true, true)).toBe(true)
  })
})
