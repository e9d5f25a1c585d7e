-- Business contacts (B2B view): customers are grouped by the lower-cased
-- domain of their e-mail, and the list filters on it. This index holds that
-- domain with the address and the recycle-bin mark, so grouping a million
-- customers reads the index alone and one domain's customers are found
-- without a scan. The expression must stay exactly the one
-- store/business.rs uses.
CREATE INDEX customers_email_domain
    ON customers (lower(substr(email, instr(email, '@') + 1)), email, deleted_at_ms);

-- Advertising consent as a business must be able to show it (issue 7 item
-- 9): the day the customer agreed to advertising and how (전화, 문자, 웹,
-- 서면, 기타). NULL: no consent recorded; the SMS rules still read only the
-- opt-out and the night-time consent, so such a customer is sent to as before.
ALTER TABLE customers ADD COLUMN ad_consent_at_ms INTEGER;
ALTER TABLE customers ADD COLUMN ad_consent_channel TEXT
    CHECK (ad_consent_channel IN ('phone', 'sms', 'web', 'paper', 'other'));
