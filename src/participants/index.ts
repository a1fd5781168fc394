/** Participants: institutions, their roles, staff users, API clients and webhook endpoints. */
export {
  binInRange,
  iinBinCheckDigit,
  isValidIinBin,
  PARTICIPANT_TYPES,
  type Participant,
  type ParticipantStatus,
  type ParticipantType,
  ROLES_BY_TYPE,
} from './domain/participant.ts';
export { participantsMigrations } from './migrations.ts';
export { participantsRoutes, SESSION_COOKIE } from './routes.ts';
export { type Actor, type Me, ParticipantsService, STAFF_ROLES, type StaffUser, type Webhook } from './service.ts';
