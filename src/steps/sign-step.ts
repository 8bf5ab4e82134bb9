import * as core from '@actions/core'
import type { Inputs } from '../inputs/parse'
import type { SignFact } from '../model/facts'
import { oidcIdentity, publicKeyFingerprint } from '../model/signing'
import type { Plan } from '../plan/plan'
import { planSign, secretEnv, SignPlan } from '../plan/sign-plan'
import { setOutputs } from '../report/outputs'
import { verifyCommands } from '../report/sign-report'
import type { ReadyCosign } from '../run/sign/cosign'
import { failure } from '../run/runner/command-failure'
import * as log from '../run/runner/log'
import { lastLine } from '../model/output-line'

/** What signing needs after the push, made ready before the build. */
export interface SigningReady {
  plan: SignPlan
  cosign: ReadyCosign
  publicKey?: { pem: string; fingerprint: string }
}

/**
 * Before anything is built or pushed: decides whether the step signs, and if it does, finds or fetches and
 * verifies cosign and reads the key's public half (a wrong password fails here). A step that cannot sign
 * therefore pushes nothing. cosign's code is loaded only by a step that signs.
 */
export async function prepareSigning(
  inputs: Inputs,
  plan: Plan,
  workDir: string
): Promise<SigningReady | undefined> {
  const sign = inputs.sign
  setOutputs(core.setOutput, { signed: false })
  if (sign.autoSkipped !== undefined) log.info(`sign: auto does not sign in this step: ${sign.autoSkipped}.`)
  const signPlan = planSign(sign, inputs.tags, plan.registryModel, plan.proxyEnv, workDir)
  if (signPlan === undefined) return undefined
  const { readyCosign, cosign } = await import('../run/sign/cosign')
  return log.group('Signing: cosign', async () => {
    const ready = await readyCosign(sign, plan.proxyEnv)
    if (signPlan.publicKey === undefined) return { plan: signPlan, cosign: ready }
    const call = signPlan.publicKey
    const read = await cosign(
      ready.file,
      call.args,
      { ...call.env, ...secretEnv(sign, 'key', '') },
      { silent: true }
    )
    const fingerprint = read.exitCode === 0 ? publicKeyFingerprint(read.stdout) : undefined
    if (fingerprint === undefined) {
      throw new Error(
        `Input "sign-key": cosign cannot read the key (${lastLine(read.stderr)}). Check that sign-key is the whole ` +
          'cosign.key and sign-key-password its password. Nothing was built or pushed.'
      )
    }
    log.info(`Signing key: public key sha256:${fingerprint}`)
    return { plan: signPlan, cosign: ready, publicKey: { pem: read.stdout.trim(), fingerprint } }
  })
}

/**
 * After the push: signs the pushed index digest in every repository of the tags (a tag can move, the digest
 * cannot), then sets signed and verify-command. A failure here leaves the image pushed and unsigned, and says so.
 */
export async function signStep(ready: SigningReady, inputs: Inputs, digest: string): Promise<SignFact> {
  const sign = inputs.sign
  const { cosign, githubIdToken } = await import('../run/sign/cosign')
  return log.group('Signing', async () => {
    // A token is requested only now: GitHub's expire within minutes, and a build can take longer.
    const token = ready.plan.mode === 'keyless' ? sign.identityToken || (await githubIdToken()) : ''
    const env = secretEnv(sign, ready.plan.mode, token)
    const signed: string[] = []
    for (const call of ready.plan.sign(digest)) {
      const result = await cosign(ready.cosign.file, call.args, { ...call.env, ...env })
      if (result.exitCode !== 0) {
        throw failure(
          `Signing ${call.args.at(-1)} failed; the image is pushed but ${signed.length > 0 ? 'only partly ' : ''}unsigned`,
          result.stderr
        )
      }
      signed.push(call.args.at(-1) as string)
    }
    const identity = token === '' ? undefined : oidcIdentity(token, inputs.workflow.serverUrl)
    const fact: SignFact = {
      mode: ready.plan.mode,
      signed,
      verify: ready.plan.verify(digest, identity),
      publicKey: ready.publicKey,
      cosign: ready.cosign.fact
    }
    setOutputs(core.setOutput, { signed: true, 'verify-command': verifyCommands(fact) })
    return fact
  })
}
