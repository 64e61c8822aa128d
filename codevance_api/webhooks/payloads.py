"""The `data` of anticipation events: the anticipation as the API shows it, and who did what."""


def anticipation_event_data(*, anticipation, actor, reason: str = "") -> dict:
    """{"anticipation": <the API's anticipation>, "supplier": id, "actor": user id, "reason": text}.

    `anticipation` is the Anticipation after the change, `actor` the User who made it, `reason` the
    operator's (empty for a request). Only JSON types (strings for money and dates). Raises nothing.
    """
    from codevance_api.payments.serializers import AnticipationOutputSerializer  # it imports payments.services

    return {
        "anticipation": dict(AnticipationOutputSerializer(anticipation).data),
        "supplier": anticipation.supplier_id,
        "actor": actor.pk if actor is not None else None,
        "reason": reason,
    }
