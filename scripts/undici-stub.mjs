// Stands in for undici in the bundle. @actions/http-client imports undici only for getAgentDispatcher (a proxy
// dispatcher for fetch), which this action never calls: its downloads use http-client's own request path with
// the tunnel agent. Leaving undici out saves about 415 KB of the 600 KB budget for dist/.
export class ProxyAgent {
  constructor() {
    throw new Error('undici is not bundled with this action')
  }
}
