"""State changes of the accounts app, one module per sub-domain:

- ``access_tasks`` — creating (user, system) access tasks and telling the responsible persons;
- ``requests`` — registration requests, the HR visa, activation;
- ``grants`` — the responsible persons' decisions, reminders and escalation, orders;
- ``agreement``, ``profile``, ``restrictions`` — the agreement on electronic interaction,
  self-service profile changes, blocks set by IS-responsible persons.
"""
