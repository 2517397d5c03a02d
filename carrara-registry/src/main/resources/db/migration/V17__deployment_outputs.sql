-- The output columns a deployment answers with and logs, as a JSON array of column names ("[]": every column its
-- model adds, which is what every deployment made before this column did). Placeholders as in V1.
ALTER TABLE deployments ADD outputs ${text};
ALTER TABLE deployment_history ADD outputs ${text};
