-- A deployment change the server refused before it took traffic (its instances did not load) is kept in the
-- history as a 'refused' revision with the reason; the current deployment does not change.
-- Placeholders as in V1: ${text} is the unbounded text type of the database.
ALTER TABLE deployment_history ADD reason ${text};
