-- 0014: where customers came from (인지경로) as a list admins edit (issue 7:
-- "source (Phone, Walk-in, Facebook, Zalo, Landing page, Import … editable)").
-- Customers keep their source as text (customers.source), so exports, imports
-- and history read as before; this list is what the form and the filter
-- offer, and renaming an entry renames it on the customers that have it.
-- Names are unique regardless of the case of ASCII letters: "facebook" is
-- the list's "Facebook".
CREATE TABLE sources (
    id       INTEGER PRIMARY KEY,
    name     TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    position INTEGER NOT NULL DEFAULT 0,
    -- The import that added it (imports.id), so undoing that import takes
    -- it off again when no customer has it; NULL when an admin added it.
    import_id INTEGER
);

-- The defaults the issue names, in the book's first language; admins rename
-- them (a Japanese or English desk renames them once).
INSERT INTO sources (name, position) VALUES
    ('전화', 0),
    ('방문', 1),
    ('페이스북', 2),
    ('Zalo', 3),
    ('랜딩페이지', 4),
    ('가져오기', 5);

-- Every source already typed on a customer joins the list after them, in
-- the order it was first used, so nothing a customer has goes missing from
-- the choices.
-- Spellings that differ only in ASCII case are one source.
INSERT INTO sources (name, position)
    SELECT min(source), 5 + row_number() OVER (ORDER BY min(id))
    FROM customers
    WHERE trim(source) <> ''
      AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.name = customers.source)
    GROUP BY source COLLATE NOCASE;

-- A source's customers, for the list's filter and for renaming a source.
CREATE INDEX customers_source ON customers (source COLLATE NOCASE, deleted_at_ms) WHERE source <> '';
