/** Signed webhook delivery (Standard Webhooks): enqueue in a transaction, send with retries, verify. */
export { enqueueWebhook, enqueueWebhooks, type WebhookInput } from './enqueue.ts';
export { webhooksMigrations } from './migrations.ts';
export { type PostAnswer, type PostOptions, postOnce } from './post.ts';
export { type WebhookRunResult, WebhookSender, type WebhookSenderOptions } from './sender.ts';
export { newWebhookSecret, signWebhook, type VerifyWebhookInput, verifyWebhookSignature } from './signature.ts';
export { listDeliveries, pruneWebhookDeliveries, type WebhookDeliveryQuery } from './store.ts';
export type { WebhookDelivery, WebhookDeliveryStatus, WebhookTarget } from './types.ts';
