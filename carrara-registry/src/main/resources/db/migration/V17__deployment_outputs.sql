-- The output columns a deployment answers with and logs, as a JSON array of column names. An empty array, and NULL
-- (every row written before this migration), both mean every column the model adds. Placeholders as in V1.
ALTER TABLE deployments ADD outputs ${text};
ALTER TABLE deployment_history ADD outputs ${text};
