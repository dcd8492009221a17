-- Schema 26: keying a weight. The new permission key_weights (a weight typed instead of
-- weighed on the till's scale) goes to whoever manages inventory today, as a manager's
-- and an admin's role gives it to their new users; central's users get it the same way
-- (`upgrade::grant_key_weights`), so the pull keeps it.
UPDATE users SET permissions = json_insert(permissions, '$[#]', 'key_weights')
WHERE EXISTS (SELECT 1 FROM json_each(users.permissions) WHERE value = 'manage_inventory')
  AND NOT EXISTS (SELECT 1 FROM json_each(users.permissions) WHERE value = 'key_weights');
