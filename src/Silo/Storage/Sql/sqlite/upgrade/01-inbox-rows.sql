-- Runs at every start for the configured service (@service): moves notices that versions before grain_inbox kept in
-- grain_states (grain_id 'inbox', same row names) into grain_inbox, so none waiting across the upgrade is lost. Both
-- statements read one key range of grain_states: nothing to do costs one probe of its key.
INSERT INTO grain_inbox (post_name, service_id, payload, posted_at)
SELECT state_name, service_id, payload, modified_at FROM grain_states
WHERE service_id = @service AND grain_id = 'inbox' AND payload IS NOT NULL
ON CONFLICT DO NOTHING;
DELETE FROM grain_states WHERE service_id = @service AND grain_id = 'inbox';
