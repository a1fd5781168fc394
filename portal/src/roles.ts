import type { Me } from './types.ts';

/** Participant types whose staff oversee the whole participant registry. */
const OVERSIGHT_TYPES: ReadonlySet<string> = new Set(['operator', 'central_bank', 'regulator']);

/** Operator, central bank and regulator staff see every participant. */
export const canListParticipants = (me: Me): boolean => OVERSIGHT_TYPES.has(me.participant.type);

/** Only the operator registers participants and changes their status. */
export const canManageParticipants = (me: Me): boolean => me.participant.type === 'operator';
