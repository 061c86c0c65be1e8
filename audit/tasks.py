from celery import shared_task

from audit.services import audit_seal_new_rows

MAX_SEALS_PER_RUN = 50


@shared_task(acks_late=True)
def seal_audit_rows() -> int:
    """Seal new audit rows in bounded batches; safe to run on several workers at once."""
    made = 0
    while made < MAX_SEALS_PER_RUN and audit_seal_new_rows() is not None:
        made += 1
    return made
