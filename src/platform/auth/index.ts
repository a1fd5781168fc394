/** Authentication: the participants' OAuth server and its client side, staff passwords and TOTP. */
export {
  type AccessTokenClaims,
  type AuthorizationServer,
  type AuthorizationServerOptions,
  createAccessTokenVerifier,
  createAuthorizationServer,
  type FindClient,
  type ParticipantClient,
  type ParticipantClientStatus,
} from './authorization-server.ts';
export {
  type ClientCredentials,
  clientAssertion,
  fetchAccessToken,
  requestToken,
  type TokenResponse,
} from './client.ts';
export { hashPassword, passwordNeedsRehash, verifyPassword } from './password.ts';
export { matchTotp, newTotpSecret, totpCode, totpUri, verifyTotp } from './totp.ts';
