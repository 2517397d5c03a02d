-- Every logged prediction says the format of its input and output, so that a later format can be read beside
-- this one. Rows logged before the column existed are in format 1, which the default gives them.
ALTER TABLE predictions ADD format_version INTEGER DEFAULT 1 NOT NULL;
