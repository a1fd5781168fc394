export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One endpoint of a participant, as the participants module hands it to the sender. */
export interface WebhookTarget {
  id: string;
  url: string;
  /** Current signing secret (`whsec_<base64>`); receivers may still accept the previous one. */
  secret: string;
}

/** A delivery as the portal shows it. `data` is the payload the module enqueued. */
export interface WebhookDelivery {
  id: string;
  participantId: string;
  eventType: string;
  idempotencyKey: string | null;
  data: unknown;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When the next attempt is due; null once delivered or failed. */
  nextAttemptAt: string | null;
  lastError: string | null;
  /** Endpoints that answered 2xx; a retry goes only to the others. */
  deliveredTo: string[];
  createdAt: string;
  deliveredAt: string | null;
}

export interface DeliveryRow {
  id: string;
  participant_id: string;
  event_type: string;
  idempotency_key: string | null;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: bigint;
  next_attempt_at: string;
  delivered_to: string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export const DELIVERY_COLUMNS =
  'id, participant_id, event_type, idempotency_key, payload, status, attempts, next_attempt_at, delivered_to, last_error, created_at, delivered_at';

export const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  participantId: r.participant_id,
  eventType: r.event_type,
  idempotencyKey: r.idempotency_key,
  data: JSON.parse(r.payload),
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
  lastError: r.last_error,
  deliveredTo: JSON.parse(r.delivered_to),
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});
