-- Business contacts (B2B view): customers are grouped by the lower-cased
-- domain of their e-mail, and the list filters on it. This index holds that
-- domain with the address and the recycle-bin mark, so grouping a million
-- customers reads the index alone and one domain's customers are found
-- without a scan. The expression must stay exactly the one
-- store/business.rs uses.
CREATE INDEX customers_email_domain
    ON customers (lower(substr(email, instr(email, '@') + 1)), email, deleted_at_ms);
