import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defaultBuilderName, Inputs, parseInputs, PROXY_INPUTS, rawProxyValue } from './inputs'
import { proxyCredentialSecrets } from './proxy'

/** Reads the workflow inputs; proxy credentials are masked in the log before anything can print them. */
export function readInputs(): Inputs {
  const env = process.env
  const get = (name: string): string => core.getInput(name)
  PROXY_INPUTS.forEach((_, index) => {
    for (const secret of proxyCredentialSecrets(rawProxyValue({ get, env }, index))) core.setSecret(secret)
  })
  return parseInputs({
    get,
    env,
    readFile: path => readFileSync(resolve(env.GITHUB_WORKSPACE ?? '.', path), 'utf8'),
    defaultBuilderName: defaultBuilderName(env, randomBytes(4).toString('hex'))
  })
}
