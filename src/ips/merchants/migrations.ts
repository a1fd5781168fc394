import type { ModuleMigrations } from '../../platform/index.ts';

/** Tables of the IPS merchant registry: merchants by acquirer, and the dynamic QR codes issued for them. */
export const ipsMerchantsMigrations: ModuleMigrations = {
  module: 'ips-merchants',
  migrations: [
    {
      id: '001-merchants',
      sql: `
CREATE TABLE ips_merchants (
  id TEXT PRIMARY KEY,
  acquirer_id TEXT NOT NULL,
  acquirer_bic TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  city TEXT NOT NULL,
  mcc TEXT NOT NULL,
  account TEXT NOT NULL,
  tax_id TEXT,
  postal_code TEXT,
  alt_language TEXT,
  alt_name TEXT,
  alt_city TEXT,
  tariff_ref TEXT,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ips_merchants_acquirer_mid ON ips_merchants (acquirer_id, merchant_id);
CREATE UNIQUE INDEX ips_merchants_bic_mid ON ips_merchants (acquirer_bic, merchant_id);
CREATE TABLE ips_qr_codes (
  id TEXT PRIMARY KEY,
  merchant_pk TEXT NOT NULL REFERENCES ips_merchants(id),
  acquirer_id TEXT NOT NULL,
  amount BIGINT NOT NULL,
  bill_number TEXT,
  payload TEXT NOT NULL,
  expires_at TEXT,
  created_at TEXT NOT NULL,
  paid_at TEXT,
  payment_id TEXT
);
CREATE INDEX ips_qr_codes_merchant ON ips_qr_codes (merchant_pk, id)`,
    },
  ],
};
