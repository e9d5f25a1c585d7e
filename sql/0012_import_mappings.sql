-- Column mappings of the customer import (고객 가져오기, ringdesk import
-- --mapping), saved under a name and shared by the whole desk: a file whose
-- headers are a saved mapping's is read with it. The columns are kept as
-- ringdesk writes them (JSON: [[header, role], …] in column order), since
-- they are only ever read back whole.
CREATE TABLE import_mappings (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    columns_json  TEXT NOT NULL,
    saved_at_ms   INTEGER NOT NULL
);
