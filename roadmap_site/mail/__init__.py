"""Mail: the transactional outbox, its delivery by a worker, and the pages around it.

Start with ``outbox.queue_mail`` (docs/mail.md)."""
