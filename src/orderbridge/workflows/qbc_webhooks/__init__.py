"""QuickBooks Commerce webhooks: QBC says at once what changed, so tracking and stock reach
Houzz in seconds instead of at the next poll.

- `events`: the events the hub subscribes to and the job that owns each;
- `receive`: a delivery checked (signature, age), recorded once, answered within QBC's 10 s;
- `inbox`: the recorded deliveries a job works off, reading the records they name;
- `registration`: registering the webhooks, checking QBC still has them, removing them;
- `status`: what is registered and what arrived, for `orderbridge webhooks status` and the page.

Polling stays the safety net (QBC does not promise delivery): with webhooks on, the shipments
and inventory jobs still read at ``reconcile_every_s`` through the same code.
"""
