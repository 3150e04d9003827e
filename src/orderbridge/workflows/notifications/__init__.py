"""Alerts by email and by webhook: new alerts go out batched, urgent ones at once.

    workflows (hold, pause, cancel…) ──add_alert──▶ alerts (notified_at NULL)
                                                        │
                      notify job, every notify_every_s  ▼
           batch due? (oldest waited alert_batch_minutes, or an urgent one is there)
                 │ yes                                           │ no: wait
                 ▼                                               ▼
      email: one message (smtplib)  ─┐               next run looks again
      webhook: one signed JSON POST ─┤
                                     ▼  each success, in one transaction:
                 progress (which channel sent what) + alerts.notified_at once all have
                 a failure: nothing marked, the next run sends the same alerts again

Modules: ``addresses`` (checks of addresses and URLs, for the settings model), ``channels``
(the channels an integration has, its secrets decrypted), ``settings`` (the screen's form:
save and show, secrets masked), ``batch`` (when a batch is due; which kinds are urgent),
``digest`` (what a message says), ``mail`` and ``webhook`` (the two senders, failures in
words), ``progress`` (per-channel record of what was sent), ``job`` (the `notify` job),
``trial`` ("Send test"). Delivery is at least once: see `job`.
"""
