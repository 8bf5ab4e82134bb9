// Stands in for @actions/http-client where @actions/core imports it: only core's OIDC client (getIDToken) uses
// it there, and this action never asks for an OIDC token. Loading the real client (and node:http with it) cost
// each step ~17 ms at start. @actions/tool-cache, loaded only to install buildx, still gets the real client.
const unavailable = () => {
  throw new Error('@actions/http-client is not bundled for @actions/core in this action')
}
export class HttpClient {
  constructor() {
    unavailable()
  }
}
export class BearerCredentialHandler {
  constructor() {
    unavailable()
  }
}
